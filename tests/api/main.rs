//! Integration tests: the real app over HTTP, on SQLite or PostgreSQL
//! (`SARAFAN_TEST_DATABASE=sqlite|postgres`).

mod access;
mod accounts;
mod attacks;
mod campaigns;
mod certificates;
mod checkin;
mod checklist;
mod e_certificates;
mod email;
mod exports;
mod helpers;
mod imports;
mod lifecycle;
mod materials;
mod messages;
mod motivation;
mod pages;
mod participants;
mod partners;
mod results;
mod schema;
mod security;
mod shopper;
mod stock;
mod webhooks;
