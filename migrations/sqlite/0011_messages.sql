-- Messages to participants through a durable outbox (SQLite). Kept in step with ../postgres/.

-- Every message Sarafan sends is first a row here, written in the same transaction as its cause,
-- then delivered by a worker inside `sarafan serve`. `dedup_key` is unique: the same message
-- (one purpose, one recipient, one campaign) is never queued twice. A worker leases a message
-- (`sending`, `lease_owner`, `lease_until`) before it talks to the provider; a lease that runs
-- out without an answer turns the message `unknown` — it is never silently sent again.
CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    campaign_id      BIGINT REFERENCES campaigns(id) ON DELETE RESTRICT,
    patient_id       BIGINT REFERENCES patients(id) ON DELETE SET NULL,
    purpose          TEXT NOT NULL,
    dedup_key        TEXT NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient        TEXT NOT NULL,
    body             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    leased_at        TEXT,
    lease_owner      TEXT,
    lease_until      TEXT,
    provider_id      TEXT,
    reason           TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    updated_at       TEXT NOT NULL,
    CONSTRAINT messages_dedup_unique UNIQUE (dedup_key)
);
CREATE INDEX messages_due ON messages (status, channel, next_attempt_at);
CREATE INDEX messages_leased ON messages (channel, leased_at);
CREATE INDEX messages_campaign ON messages (campaign_id, created_at);
CREATE INDEX messages_patient ON messages (patient_id);

-- How messages go out: one row (`id = 1`). `sms_secret` (a gateway's token or password) is
-- written, never read back to a page or the API.
CREATE TABLE message_settings (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    sms_mode             TEXT NOT NULL DEFAULT 'off' CHECK (sms_mode IN ('off', 'log', 'http')),
    http_method          TEXT NOT NULL DEFAULT 'GET' CHECK (http_method IN ('GET', 'POST')),
    url_template         TEXT NOT NULL DEFAULT '',
    body_template        TEXT NOT NULL DEFAULT '',
    auth_header          TEXT NOT NULL DEFAULT '',
    sms_secret           TEXT NOT NULL DEFAULT '',
    success_pattern      TEXT NOT NULL DEFAULT '',
    timeout_ms           BIGINT NOT NULL DEFAULT 10000,
    window_from_minute   BIGINT NOT NULL DEFAULT 540,
    window_to_minute     BIGINT NOT NULL DEFAULT 1260,
    sms_per_minute       BIGINT NOT NULL DEFAULT 60,
    reminder_days        BIGINT NOT NULL DEFAULT 7,
    reminder_text        TEXT NOT NULL DEFAULT '',
    updated_at           TEXT NOT NULL
);
INSERT INTO message_settings (id, updated_at) VALUES (1, '');
