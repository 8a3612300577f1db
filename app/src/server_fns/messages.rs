//! Messages to participants: the outbox, sending again, how SMS go out.
// The settings form has one argument per field (a form post is flat).
#![allow(clippy::too_many_arguments)]

use domain::messages::{MessageSettings, MessageView, Outbox};
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf")]
pub async fn get_outbox(status: String) -> AppResult<Outbox> {
    with_actor!(|st, a| ops::messages::outbox(&st.db, &a, None, Some(&status), None).await)
}

#[server(prefix = "/sf")]
pub async fn resend_message(id: i64) -> AppResult<MessageView> {
    with_actor!(|st, a| ops::messages::resend(&st.db, &a, id).await)
}

#[server(prefix = "/sf")]
pub async fn get_message_settings() -> AppResult<MessageSettings> {
    with_actor!(|st, a| ops::messages::settings(&st.db, &a).await)
}

#[server(prefix = "/sf")]
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
) -> AppResult<MessageSettings> {
    let input = domain::messages::MessageSettingsInput {
        sms_mode,
        http_method,
        url_template,
        body_template,
        auth_header,
        secret,
        clear_secret: clear_secret.is_some_and(|v| !v.is_empty()),
        success_pattern,
        timeout_ms,
        send_from,
        send_to,
        sms_per_minute,
        reminder_days,
        reminder_text,
    };
    with_actor!(|st, a| ops::messages::save_settings(&st.db, &a, &input).await)
}

#[server(prefix = "/sf")]
pub async fn send_test_sms(to: String) -> AppResult<MessageView> {
    with_actor!(|st, a| ops::messages::send_test(&st.db, &a, &to).await)
}
