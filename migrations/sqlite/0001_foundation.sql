-- Sarafan foundation schema (SQLite). Kept in step with ../postgres/0001_foundation.sql.
-- Portable types only (sqlx Any): BIGINT/INTEGER for numbers, money in kopecks and 0/1 flags,
-- TEXT for RFC 3339 UTC timestamps and ISO dates. Never edit a migration that has shipped.

CREATE TABLE clinic_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    public_url  TEXT NOT NULL DEFAULT '',
    time_zone   TEXT NOT NULL DEFAULT 'Europe/Moscow',
    currency    TEXT NOT NULL DEFAULT 'RUB',
    updated_at  TEXT NOT NULL
);

CREATE TABLE partners (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    contact_person TEXT,
    phone          TEXT,
    email          TEXT,
    notes          TEXT,
    created_at     TEXT NOT NULL
);

CREATE TABLE stores (
    id            INTEGER PRIMARY KEY,
    partner_id    BIGINT NOT NULL REFERENCES partners(id) ON DELETE RESTRICT,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    address       TEXT,
    opening_hours TEXT,
    admin_name    TEXT,
    admin_phone   TEXT,
    created_at    TEXT NOT NULL,
    CONSTRAINT stores_partner_name_unique UNIQUE (partner_id, name_key)
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    phone         TEXT,
    email         TEXT UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('marketer', 'reception', 'store_staff', 'mystery_shopper')),
    store_id      BIGINT REFERENCES stores(id) ON DELETE RESTRICT,
    password_hash TEXT,
    active        BIGINT NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    CHECK (role <> 'store_staff' OR store_id IS NOT NULL)
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    user_agent   TEXT,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    ended_at     TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by  BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    revoked_at  TEXT
);

CREATE TABLE setup_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    used_at     TEXT
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('marketer', 'reception', 'store_staff', 'mystery_shopper')),
    store_id     BIGINT REFERENCES stores(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);

-- Fixed-window counters shared by every app instance (login, invite attempts).
CREATE TABLE rate_limits (
    bucket       TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE campaigns (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    start_date          TEXT NOT NULL,
    end_date            TEXT NOT NULL,
    face_value_kopecks  BIGINT NOT NULL CHECK (face_value_kopecks >= 0),
    valid_until         TEXT NOT NULL,
    terms               TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL CHECK (status IN ('draft', 'active', 'finished')),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE campaign_partners (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    partner_id  BIGINT NOT NULL REFERENCES partners(id) ON DELETE RESTRICT,
    PRIMARY KEY (campaign_id, partner_id)
);

CREATE TABLE campaign_costs (
    id             INTEGER PRIMARY KEY,
    campaign_id    BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    category       TEXT NOT NULL CHECK (category IN ('printing', 'motivation', 'sms', 'other')),
    amount_kopecks BIGINT NOT NULL CHECK (amount_kopecks >= 0),
    spent_on       TEXT NOT NULL,
    note           TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX campaign_costs_campaign ON campaign_costs(campaign_id);

-- Who changed what and when: one row per write.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    BIGINT,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   BIGINT,
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity ON audit_log(entity, entity_id);
