//! Sarafan's domain: the rules of a joint promotion, in one place.
//!
//! The modules at the top are plain Rust and compile for the browser too (parsing a phone,
//! formatting money, translating a message). Behind the `server` feature live the storage layer
//! ([`db`]) and the operations ([`ops`]) that the Leptos server functions, the JSON API and the
//! `sarafan` CLI all call, so a rule is written once.

pub mod charts;
pub mod checkin;
pub mod checklist;
pub mod clock;
pub mod code;
pub mod error;
pub mod exports;
pub mod forecast;
pub mod format;
pub mod i18n;
pub mod ids;
pub mod imports;
pub mod ledger;
pub mod lifecycle;
pub mod messages;
pub mod model;
pub mod motivation;
pub mod policy;
pub mod results;
pub mod shopper;
pub mod texts;
pub mod types;
pub mod webhooks;

#[cfg(feature = "server")]
pub mod auth;
#[cfg(feature = "server")]
pub mod db;
#[cfg(feature = "server")]
pub mod demo;
#[cfg(feature = "server")]
pub mod export;
#[cfg(feature = "server")]
pub mod ops;
#[cfg(feature = "server")]
pub mod photo;
#[cfg(feature = "server")]
pub mod report_pdf;

pub use error::{DomainError, ErrorCode, FieldError};
pub use i18n::{Lang, Msg};
