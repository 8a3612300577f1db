//! Ids that cannot be mixed up: a store's id is not a campaign's. Plain `i64` on the wire
//! (`serde(transparent)`) and in the database (`sqlx(transparent)`), distinct types in Rust.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "server", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map($name)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    )*};
}

id_type! {
    /// A campaign (`campaigns.id`).
    CampaignId,
    /// A partner store (`stores.id`).
    StoreId,
    /// A partner organisation (`partners.id`).
    PartnerId,
    /// A person with an account (`users.id`).
    UserId,
    /// One certificate (`certificates.id`).
    CertificateId,
}
