//! The `sarafan` server: configuration, wiring of the HTTP routes (Leptos pages and server
//! functions, the JSON API, static assets), security middleware and the command line.
//!
//! A request flows: axum router → middleware (compression, Origin check, sign-in and page
//! gating by the access policy) → a Leptos page / server function (app crate) or a JSON API
//! handler ([`api`], one module per area) → an operation in `domain::ops` (which asks
//! `domain::policy`) → the storage layer `domain::db`.

pub mod api;
pub mod cli;
pub mod config;
pub mod http;

pub use config::Config;
pub use http::{build_router, build_state};
