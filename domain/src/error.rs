//! Errors for people: each names the field it is about and a code the UI translates.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg};

/// Why an input was refused. Each code has a translated message ([`ErrorCode::msg`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    TooLong,
    InvalidPhone,
    InvalidEmail,
    InvalidDate,
    InvalidMoney,
    NegativeMoney,
    EndBeforeStart,
    ValidUntilBeforeEnd,
    DuplicateStoreName,
    DuplicateEmail,
    InvalidChoice,
    PasswordTooShort,
    StoreRequired,
    InviteInvalid,
    InviteExpired,
    InviteUsed,
    InviteRevoked,
    BadCredentials,
    NotFound,
    Forbidden,
    Unauthorized,
    RateLimited,
    BadOrigin,
    SetupDone,
    CountOutOfRange,
    CampaignFinished,
    StoreNotInCampaign,
    CodeMistyped,
    CodeInvalid,
    CodeUnknown,
    AlreadyRedeemed,
    AlreadyVoided,
    SerialRange,
    TextDoesNotFit,
    MissingGlyph,
    ConsentRequired,
    AlreadyHandedOut,
    DuplicateParticipant,
    NotRedeemed,
    UndoTooLate,
    NotParticipant,
    InFuture,
    FaceValueLocked,
    NoReturnToDraft,
    DatesOnlyWiden,
    BodyTooLarge,
    KeyReused,
    NotAnImage,
    PhotoTooLarge,
    NotEnoughStock,
    TooMany,
    ProofRequired,
    /// A signed-off mystery-shopper visit: only the marketer corrects it.
    VisitLocked,
    /// An outside shopper's link that expired or whose visit is signed off.
    LinkExpired,
    /// More than the motivation rules allow (100 000 ₽).
    AmountTooLarge,
    /// A motivation week that has not ended yet cannot be paid.
    WeekNotFinished,
    /// The week is already paid.
    WeekAlreadyPaid,
    /// A motivation payout's cost: undone only with the payout.
    CostOfPayout,
    // ---- importing paper forms ----
    /// The spreadsheet could not be read (not an XLSX or CSV, or broken).
    UnreadableFile,
    /// A CSV that is not UTF-8 (Excel's "CSV UTF-8" is needed).
    NotUtf8,
    /// The file has no header row.
    NoHeaderRow,
    /// More rows than one import takes.
    TooManyRows,
    /// The same phone, certificate or form number earlier in the file.
    DuplicateInFile,
    /// No store of the campaign has this name.
    UnknownStore,
    /// The certificate belongs to another campaign.
    OtherCampaign,
    /// This form (or contact) is already in Sarafan.
    AlreadyImported,
    /// The file's columns do not give a name or a phone.
    ColumnMissing,
    /// The code typed is not the one the SMS carried.
    SmsCodeWrong,
    /// The SMS code's time is over, or too many wrong tries.
    SmsCodeExpired,
    Internal,
}

impl ErrorCode {
    pub fn msg(self) -> Msg {
        use ErrorCode::*;
        match self {
            Required => Msg::ErrRequired,
            TooLong => Msg::ErrTooLong,
            InvalidPhone => Msg::ErrInvalidPhone,
            InvalidEmail => Msg::ErrInvalidEmail,
            InvalidDate => Msg::ErrInvalidDate,
            InvalidMoney => Msg::ErrInvalidMoney,
            NegativeMoney => Msg::ErrNegativeMoney,
            EndBeforeStart => Msg::ErrEndBeforeStart,
            ValidUntilBeforeEnd => Msg::ErrValidUntilBeforeEnd,
            DuplicateStoreName => Msg::ErrDuplicateStoreName,
            DuplicateEmail => Msg::ErrDuplicateEmail,
            InvalidChoice => Msg::ErrInvalidChoice,
            PasswordTooShort => Msg::ErrPasswordTooShort,
            StoreRequired => Msg::ErrStoreRequired,
            InviteInvalid => Msg::ErrInviteInvalid,
            InviteExpired => Msg::ErrInviteExpired,
            InviteUsed => Msg::ErrInviteUsed,
            InviteRevoked => Msg::ErrInviteRevoked,
            BadCredentials => Msg::ErrBadCredentials,
            NotFound => Msg::ErrNotFound,
            Forbidden => Msg::ErrForbidden,
            Unauthorized => Msg::ErrUnauthorized,
            RateLimited => Msg::ErrRateLimited,
            BadOrigin => Msg::ErrBadOrigin,
            SetupDone => Msg::ErrSetupDone,
            CountOutOfRange => Msg::ErrCountOutOfRange,
            CampaignFinished => Msg::ErrCampaignFinished,
            StoreNotInCampaign => Msg::ErrStoreNotInCampaign,
            CodeMistyped => Msg::ErrCodeMistyped,
            CodeInvalid => Msg::ErrCodeInvalid,
            CodeUnknown => Msg::ErrCodeUnknown,
            AlreadyRedeemed => Msg::ErrAlreadyRedeemed,
            AlreadyVoided => Msg::ErrAlreadyVoided,
            SerialRange => Msg::ErrSerialRange,
            TextDoesNotFit => Msg::ErrTextDoesNotFit,
            MissingGlyph => Msg::ErrMissingGlyph,
            ConsentRequired => Msg::ErrConsentRequired,
            AlreadyHandedOut => Msg::ErrAlreadyHandedOut,
            DuplicateParticipant => Msg::ErrDuplicateParticipant,
            NotRedeemed => Msg::ErrNotRedeemed,
            UndoTooLate => Msg::ErrUndoTooLate,
            NotParticipant => Msg::ErrNotParticipant,
            InFuture => Msg::ErrInFuture,
            FaceValueLocked => Msg::ErrFaceValueLocked,
            NoReturnToDraft => Msg::ErrNoReturnToDraft,
            DatesOnlyWiden => Msg::ErrDatesOnlyWiden,
            BodyTooLarge => Msg::ErrBodyTooLarge,
            KeyReused => Msg::ErrKeyReused,
            NotAnImage => Msg::ErrNotAnImage,
            PhotoTooLarge => Msg::ErrPhotoTooLarge,
            NotEnoughStock => Msg::ErrNotEnoughStock,
            TooMany => Msg::ErrTooMany,
            ProofRequired => Msg::ErrProofRequired,
            VisitLocked => Msg::ErrVisitLocked,
            LinkExpired => Msg::ErrLinkExpired,
            AmountTooLarge => Msg::ErrAmountTooLarge,
            WeekNotFinished => Msg::ErrWeekNotFinished,
            WeekAlreadyPaid => Msg::ErrWeekAlreadyPaid,
            CostOfPayout => Msg::ErrCostOfPayout,
            UnreadableFile => Msg::ErrUnreadableFile,
            NotUtf8 => Msg::ErrNotUtf8,
            NoHeaderRow => Msg::ErrNoHeaderRow,
            TooManyRows => Msg::ErrTooManyRows,
            DuplicateInFile => Msg::ErrDuplicateInFile,
            UnknownStore => Msg::ErrUnknownStore,
            OtherCampaign => Msg::ErrOtherCampaign,
            AlreadyImported => Msg::ErrAlreadyImported,
            ColumnMissing => Msg::ErrColumnMissing,
            SmsCodeWrong => Msg::ErrSmsCodeWrong,
            SmsCodeExpired => Msg::ErrSmsCodeExpired,
            Internal => Msg::ErrInternal,
        }
    }

    /// The HTTP status this refusal maps to on the API.
    pub fn http_status(self) -> u16 {
        use ErrorCode::*;
        match self {
            NotFound => 404,
            Forbidden | BadOrigin => 403,
            Unauthorized | BadCredentials => 401,
            RateLimited => 429,
            BodyTooLarge | PhotoTooLarge => 413,
            NotAnImage => 415,
            DuplicateStoreName | DuplicateEmail | SetupDone | InviteUsed | CampaignFinished
            | AlreadyRedeemed | AlreadyVoided | AlreadyHandedOut | DuplicateParticipant
            | NotRedeemed => 409,
            UndoTooLate => 403,
            CodeUnknown | NotParticipant => 404,
            InviteExpired | InviteRevoked | InviteInvalid | LinkExpired => 410,
            VisitLocked | WeekNotFinished | WeekAlreadyPaid | CostOfPayout => 409,
            TooManyRows => 413,
            UnreadableFile | NotUtf8 => 415,
            Internal => 500,
            _ => 422,
        }
    }
}

/// `q3` and `q3.text` name the third question of a mystery-shopper list.
fn question_number(field: &str) -> Option<u32> {
    let rest = field.strip_prefix('q')?;
    rest.split('.').next()?.parse().ok()
}

/// One refused field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field / JSON property name, e.g. `"phone"`; empty when the error is not about a field.
    pub field: String,
    pub code: ErrorCode,
}

impl FieldError {
    pub fn new(field: &str, code: ErrorCode) -> Self {
        Self {
            field: field.to_owned(),
            code,
        }
    }
    pub fn message(&self, lang: Lang) -> String {
        let text = self.code.msg().text(lang);
        if self.field.is_empty() {
            text.to_owned()
        } else if let Some(n) = question_number(&self.field) {
            format!("{} {n}: {}", crate::Msg::Question.text(lang), text)
        } else {
            format!("{}: {}", crate::i18n::field_label(&self.field, lang), text)
        }
    }
}

/// What an operation can refuse with. Serializable so the browser receives it intact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum DomainError {
    /// One or more fields are wrong; nothing was saved.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// Not about one field (not found, forbidden, rate limited...).
    #[error("refused: {0:?}")]
    Refused(ErrorCode),
    /// Something broke on our side; details are in the server log only.
    #[error("internal error")]
    Internal,
}

impl DomainError {
    pub fn field(field: &str, code: ErrorCode) -> Self {
        Self::Invalid(vec![FieldError::new(field, code)])
    }
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid(f) => f.first().map(|f| f.code).unwrap_or(ErrorCode::Internal),
            Self::Refused(c) => *c,
            Self::Internal => ErrorCode::Internal,
        }
    }
    pub fn http_status(&self) -> u16 {
        self.code().http_status()
    }
    pub fn fields(&self) -> &[FieldError] {
        match self {
            Self::Invalid(f) => f,
            _ => &[],
        }
    }
    /// The error for one field, if any.
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.fields().iter().find(|f| f.field == field)
    }
    /// One line a person can read.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Invalid(f) => f
                .iter()
                .map(|f| f.message(lang))
                .collect::<Vec<_>>()
                .join("; "),
            Self::Refused(c) => c.msg().text(lang).to_owned(),
            Self::Internal => Msg::ErrInternal.text(lang).to_owned(),
        }
    }
}

/// Collects field errors while a whole form is checked, so the user sees every problem at once.
#[derive(Default)]
pub struct Check(Vec<FieldError>);

impl Check {
    pub fn new() -> Self {
        Self::default()
    }
    /// Keeps the value if it parsed, records the field error otherwise.
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }
    pub fn push(&mut self, field: &str, code: ErrorCode) {
        self.0.push(FieldError::new(field, code));
    }
    pub fn is_ok(&self) -> bool {
        self.0.is_empty()
    }
    pub fn finish(self) -> Result<(), DomainError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(self.0))
        }
    }
}
