//! Webhooks for integrations (issue #15): a practice-management system or a CRM hears of each
//! hand-out, redemption and visit as it happens. Each is a JSON `POST` through the outbox
//! (channel `webhook`, retried with the outbox's pauses), signed with the endpoint's own secret:
//! `X-Sarafan-Signature: sha256=<hex HMAC-SHA256 of the body>`, `X-Sarafan-Event`,
//! `X-Sarafan-Delivery` (the message's id: the same delivery retried carries the same id).
//! No personal data leaves in a payload: codes, ids, stores, employees, amounts.

use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

use crate::error::{Check, DomainError, ErrorCode};
use crate::types::string_enum;

string_enum! {
    /// What a webhook hears of.
    WebhookEvent {
        /// A certificate handed out (by a store, self-registration or an imported form).
        Handout => "handout",
        /// A certificate redeemed at reception.
        Redemption => "redemption",
        /// A visit recorded against a redemption (its revenue).
        Visit => "visit",
    }
}

/// Most webhooks a clinic keeps.
pub const MAX_WEBHOOKS: i64 = 20;

/// A webhook as listed (its secret is shown once, when it is created).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    /// `handout`, `redemption`, `visit`.
    pub events: Vec<String>,
    pub active: bool,
    pub created_at: String,
}

/// A new webhook and its signing secret — shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct CreatedWebhook {
    pub webhook: Webhook,
    pub secret: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct WebhookInput {
    /// `https://…` (or `http://` on a clinic's own network), at most 1 000 characters.
    pub url: String,
    /// Any of `handout`, `redemption`, `visit`; empty: all three.
    #[serde(default)]
    pub events: Vec<String>,
}

impl WebhookInput {
    /// The checked URL and events.
    pub fn parse(&self) -> Result<(String, Vec<WebhookEvent>), DomainError> {
        let mut c = Check::new();
        let url = self.url.trim().to_owned();
        let scheme = url.starts_with("https://") || url.starts_with("http://");
        if url.is_empty() {
            c.push("url", ErrorCode::Required);
        } else if url.chars().count() > 1000 {
            c.push("url", ErrorCode::TooLong);
        } else if !scheme || url.chars().any(char::is_whitespace) {
            c.push("url", ErrorCode::InvalidChoice);
        }
        if self.events.len() > 10 {
            c.push("events", ErrorCode::CountOutOfRange);
        }
        let mut events = Vec::new();
        for e in self.events.iter().filter(|e| !e.trim().is_empty()) {
            if let Some(e) = c.take(WebhookEvent::parse("events", e))
                && !events.contains(&e)
            {
                events.push(e);
            }
        }
        c.finish()?;
        if events.is_empty() {
            events = WebhookEvent::ALL.to_vec();
        }
        Ok((url, events))
    }
}

/// `sha256=<hex>` of the body under the secret: what `X-Sarafan-Signature` carries.
#[cfg(feature = "server")]
pub fn signature(secret: &str, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = match Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC takes a key of any length.
        Err(_) => return String::new(),
    };
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_the_rfc_4231_hmac_sha256() {
        // RFC 4231, test case 2.
        assert_eq!(
            signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn an_endpoint_needs_a_web_address_and_known_events() {
        let bad = WebhookInput {
            url: "ftp://crm".into(),
            events: vec!["refund".into()],
        };
        let e = bad.parse().expect_err("refused");
        assert!(e.for_field("url").is_some() && e.for_field("events").is_some());
        let all = WebhookInput {
            url: "https://crm.example/hooks/sarafan".into(),
            events: vec![],
        };
        assert_eq!(all.parse().expect("ok").1.len(), 3);
    }
}
