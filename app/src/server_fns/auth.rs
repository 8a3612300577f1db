//! Sign-in, sign-out, the first-start setup link and invites.

use domain::model::*;
use leptos::prelude::*;

use crate::error::AppResult;
#[cfg(feature = "ssr")]
use crate::ssr;
#[cfg(feature = "ssr")]
use domain::ops;

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn get_me() -> AppResult<Option<Me>> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    match ssr::actor_from_headers(&st.db, &parts.headers).await? {
        Some(a) if a.user_id.is_some() => Ok(Some(ops::people::me(&st.db, &a).await?)),
        _ => Ok(None),
    }
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn login(email: String, password: String) -> AppResult<()> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    let client = ssr::client_addr(&parts, &st);
    let signed_in = domain::auth::login(
        &st.db,
        &email,
        &password,
        &client,
        ssr::user_agent(&parts).as_deref(),
    )
    .await?;
    ssr::set_cookie(&ssr::session_cookie(&signed_in.secret, st.secure_cookies));
    land(&parts, signed_in.role);
    Ok(())
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn logout() -> AppResult<()> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    if let Some(secret) = ssr::session_secret(&parts.headers) {
        domain::auth::end_session_by_secret(&st.db, secret).await?;
    }
    ssr::set_cookie(&ssr::clear_session_cookie(st.secure_cookies));
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn setup_link_valid(token: String) -> AppResult<bool> {
    let st = ssr::state()?;
    Ok(domain::auth::setup_token_valid(&st.db, &token).await?)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn complete_setup(
    token: String,
    name: String,
    email: String,
    password: String,
) -> AppResult<()> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    let client = ssr::client_addr(&parts, &st);
    let secret = domain::auth::complete_setup(
        &st.db,
        &token,
        &name,
        &email,
        &password,
        &client,
        ssr::user_agent(&parts).as_deref(),
    )
    .await?;
    ssr::set_cookie(&ssr::session_cookie(&secret, st.secure_cookies));
    leptos_axum::redirect("/settings");
    Ok(())
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn invite_preview(token: String) -> AppResult<InviteInfo> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    Ok(ops::people::invite_preview(&st.db, &token, &ssr::client_addr(&parts, &st)).await?)
}

#[server(prefix = "/sf", output = crate::server_fns::codec::Json)]
pub async fn accept_invite(token: String) -> AppResult<()> {
    let st = ssr::state()?;
    let parts = ssr::parts()?;
    let client = ssr::client_addr(&parts, &st);
    let signed_in =
        ops::people::accept_invite(&st.db, &token, &client, ssr::user_agent(&parts).as_deref())
            .await?;
    ssr::set_cookie(&ssr::session_cookie(&signed_in.secret, st.secure_cookies));
    land(&parts, signed_in.role);
    Ok(())
}

/// Where a person lands after signing in. A plain form post is redirected there; the page's
/// bundle instead opens it by a full page load (`crate::components::land_when`), as the
/// landing page may be one it does not render (the staff home, reception's check-in) — a
/// redirect here would have the router render it in place.
#[cfg(feature = "ssr")]
fn land(parts: &http::request::Parts, role: domain::types::Role) {
    if ssr::is_plain_form_post(parts) {
        leptos_axum::redirect(domain::policy::landing(role));
    }
}
