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
        AppError::Domain(e)
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
