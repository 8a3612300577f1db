//! The error type of every server function: a domain refusal that the page can show next to
//! the right field, or a transport problem.

use domain::{DomainError, ErrorCode, Lang};
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Domain(DomainError),
    #[error("transport: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        #[cfg(feature = "ssr")]
        set_error_status(&e);
        AppError::Domain(e)
    }
}

/// Gives a refused server-function call its real HTTP status (422, 403, 404…) instead of 500.
/// Plain HTML form posts (no JavaScript yet) keep leptos_axum's redirect back to the form.
#[cfg(feature = "ssr")]
fn set_error_status(e: &DomainError) {
    use leptos::prelude::use_context;
    let Some(parts) = use_context::<http::request::Parts>() else {
        return;
    };
    let html_form = parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if html_form {
        return;
    }
    if let (Some(opts), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(e.http_status()),
    ) {
        opts.set_status(status);
    }
}

impl AppError {
    pub fn domain(&self) -> DomainError {
        match self {
            AppError::Domain(d) => d.clone(),
            AppError::Transport(_) => DomainError::Internal,
        }
    }
    pub fn code(&self) -> ErrorCode {
        self.domain().code()
    }
    pub fn message(&self, lang: Lang) -> String {
        self.domain().message(lang)
    }
}

pub type AppResult<T> = Result<T, AppError>;
