//! The `sarafan` server: configuration, wiring of the HTTP routes (Leptos pages and server
//! functions, the JSON API, static assets), security middleware and the command line.
//!
//! A request flows: axum router → middleware (compression, Origin check, sign-in redirect) →
//! a Leptos page / server function (app crate) or a JSON API handler ([`api`]) → an operation
//! in `domain::ops` → the storage layer `domain::db`.

pub mod api;
pub mod api_certs;
pub mod api_checkin;
pub mod cli;
pub mod config;
pub mod http;
pub mod materials;

pub use config::Config;
pub use http::{build_router, build_state};
