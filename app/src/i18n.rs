//! The page side of translation: which language this page is in, and `t(Msg)`.
//! The language comes from the `lang` cookie or the browser's Accept-Language (server), and is
//! written into `<html lang>` so the browser reads the same one when it hydrates.

use domain::{Lang, Msg};
use leptos::prelude::*;

/// The language of the current request (server) or page (browser).
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| crate::ssr::lang_from_headers(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        #[cfg(feature = "hydrate")]
        {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("lang"))
                .and_then(|l| Lang::from_code(&l))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            Lang::default()
        }
    }
}

pub fn provide_lang() {
    provide_context(request_lang());
}

pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The text of a message in the page's language.
pub fn t(m: Msg) -> &'static str {
    m.text(use_lang())
}
