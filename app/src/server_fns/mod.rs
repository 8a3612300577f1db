//! Server functions, one module per area: the pages' only way to the server. Each one finds
//! the signed-in actor and calls an operation in `domain::ops`, which asks the access policy
//! and checks the store. Arguments arrive as plain numbers and text (form posts work before
//! the WASM has loaded) and become typed ids here, at the edge.

/// Runs an operation with the signed-in actor and turns a refusal into the wire error.
#[cfg(feature = "ssr")]
macro_rules! with_actor {
    (|$st:ident, $a:ident| $body:expr) => {{
        let r: Result<_, domain::DomainError> = async {
            let ($st, $a) = crate::ssr::actor().await?;
            #[allow(unused_variables)]
            let _ = (&$st, &$a);
            $body
        }
        .await;
        r.map_err(crate::error::AppError::from)
    }};
}

pub mod auth;
pub mod campaigns;
pub mod certificates;
pub mod checkin;
pub mod checklist;
pub mod home;
pub mod imports;
pub mod join;
pub mod messages;
pub mod participants;
pub mod partners;
pub mod people;
pub mod results;
pub mod settings;
pub mod shopper;
pub mod staff;

/// Parses an id from a form `<select>` ("" means none).
#[cfg(feature = "ssr")]
pub(crate) fn opt_id(field: &str, s: &str) -> Result<Option<i64>, domain::DomainError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| domain::DomainError::field(field, domain::ErrorCode::InvalidChoice))
}

pub use auth::*;
pub use campaigns::*;
pub use certificates::*;
pub use checkin::*;
pub use checklist::*;
pub use home::*;
pub use imports::*;
pub use join::*;
pub use messages::*;
pub use participants::*;
pub use partners::*;
pub use people::*;
pub use results::*;
pub use settings::*;
pub use shopper::*;
pub use staff::*;

/// The server functions' answer format: JSON, read in the browser with `serde_json::from_str`,
/// the same reader the pages' resources use for the data the server rendered them with. With
/// server_fn's own `Json` (read with `from_slice`) every answer type was compiled into the
/// bundle twice, once per reader: about a tenth of the bundle.
pub mod codec {
    use server_fn::codec::Post;
    use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

    /// JSON in the answer's body, decoded from text (see the module's note).
    pub struct JsonText;

    impl ContentType for JsonText {
        const CONTENT_TYPE: &'static str = "application/json";
    }

    impl FormatType for JsonText {
        const FORMAT_TYPE: Format = Format::Text;
    }

    impl<T: serde::Serialize> Encodes<T> for JsonText {
        type Error = serde_json::Error;

        fn encode(output: &T) -> Result<Bytes, Self::Error> {
            serde_json::to_vec(output).map(Bytes::from)
        }
    }

    impl<T: serde::de::DeserializeOwned> Decodes<T> for JsonText {
        type Error = serde_json::Error;

        fn decode(bytes: Bytes) -> Result<T, Self::Error> {
            let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
            serde_json::from_str(text)
        }
    }

    /// A POST answered with [`JsonText`].
    pub type Json = Post<JsonText>;
}
