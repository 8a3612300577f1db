//! Messages: the outbox, sending again, how SMS and e-mail go out.
// The settings form has one argument per field (a form post is flat).
#![allow(clippy::too_many_arguments)]

use domain::messages::{MessageSettings, MessageView, Outbox};
use domain::webhooks::{CreatedWebhook, Webhook};
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_outbox(status: String, campaign: Option<i64>) -> AppResult<Outbox> {
    let campaign = campaign.map(domain::ids::CampaignId);
    with_actor!(|st, a| ops::messages::outbox(&st.db, &a, campaign, Some(&status), None).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn resend_message(id: i64) -> AppResult<MessageView> {
    with_actor!(|st, a| ops::messages::resend(&st.db, &a, id).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_message_settings() -> AppResult<MessageSettings> {
    with_actor!(|st, a| ops::messages::settings(&st.db, &a).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn save_message_settings(
    sms_mode: String,
    #[server(default)] http_method: String,
    #[server(default)] url_template: String,
    #[server(default)] body_template: String,
    #[server(default)] auth_header: String,
    #[server(default)] secret: String,
    #[server(default)] clear_secret: Option<String>,
    #[server(default)] success_pattern: String,
    #[server(default)] timeout_ms: String,
    #[server(default)] send_from: String,
    #[server(default)] send_to: String,
    #[server(default)] sms_per_minute: String,
    #[server(default)] reminder_days: String,
    #[server(default)] reminder_text: String,
    #[server(default)] email_mode: String,
    #[server(default)] smtp_host: String,
    #[server(default)] smtp_port: String,
    #[server(default)] smtp_security: String,
    #[server(default)] smtp_user: String,
    #[server(default)] smtp_password: String,
    #[server(default)] clear_smtp_password: Option<String>,
    #[server(default)] email_from: String,
    #[server(default)] emails_per_minute: String,
    #[server(default)] weekly_standings: Option<String>,
    #[server(default)] weekly_digest: Option<String>,
    #[server(default)] preset: String,
) -> AppResult<MessageSettings> {
    let ticked = |v: Option<String>| v.is_some_and(|v| !v.is_empty());
    let input = domain::messages::MessageSettingsInput {
        sms_mode,
        http_method,
        url_template,
        body_template,
        auth_header,
        secret,
        clear_secret: ticked(clear_secret),
        success_pattern,
        timeout_ms,
        send_from,
        send_to,
        sms_per_minute,
        reminder_days,
        reminder_text,
        email_mode,
        smtp_host,
        smtp_port,
        smtp_security,
        smtp_user,
        smtp_password,
        clear_smtp_password: ticked(clear_smtp_password),
        email_from,
        emails_per_minute,
        // A form leaves an unticked box out: off.
        weekly_standings: Some(ticked(weekly_standings)),
        weekly_digest: Some(ticked(weekly_digest)),
        preset,
    };
    with_actor!(|st, a| ops::messages::save_settings(&st.db, &a, &input).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn send_test_sms(to: String) -> AppResult<MessageView> {
    with_actor!(|st, a| ops::messages::send_test(&st.db, &a, &to).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn list_webhooks() -> AppResult<Vec<Webhook>> {
    with_actor!(|st, a| ops::webhooks::list(&st.db, &a).await)
}

/// Adds an integration's endpoint; the events are ticked boxes (none ticked: all three).
#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn add_webhook(
    url: String,
    #[server(default)] handout: Option<String>,
    #[server(default)] redemption: Option<String>,
    #[server(default)] visit: Option<String>,
) -> AppResult<CreatedWebhook> {
    let events = [
        ("handout", handout),
        ("redemption", redemption),
        ("visit", visit),
    ]
    .into_iter()
    .filter(|(_, v)| v.as_deref().is_some_and(|v| !v.is_empty()))
    .map(|(e, _)| e.to_owned())
    .collect();
    let input = domain::webhooks::WebhookInput { url, events };
    with_actor!(|st, a| ops::webhooks::create(&st.db, &a, &input).await)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn delete_webhook(id: i64) -> AppResult<()> {
    with_actor!(|st, a| ops::webhooks::delete(&st.db, &a, id).await)
}
