-- E-mail through SMTP, the weekly standings and the marketer's digest, e-certificates sent by SMS
-- and e-mail, and phone confirmation by an SMS code (SQLite).
-- Kept in step with ../postgres/.

-- The e-mail channel: off, log only (trials, demos) or an SMTP server. `smtp_password` is
-- written, never read back to a page or the API. The weekly messages can be switched off.
ALTER TABLE message_settings ADD COLUMN email_mode TEXT NOT NULL DEFAULT 'off' CHECK (email_mode IN ('off', 'log', 'smtp'));
ALTER TABLE message_settings ADD COLUMN smtp_host TEXT NOT NULL DEFAULT '';
ALTER TABLE message_settings ADD COLUMN smtp_port BIGINT NOT NULL DEFAULT 587;
ALTER TABLE message_settings ADD COLUMN smtp_security TEXT NOT NULL DEFAULT 'starttls' CHECK (smtp_security IN ('none', 'starttls', 'tls'));
ALTER TABLE message_settings ADD COLUMN smtp_user TEXT NOT NULL DEFAULT '';
ALTER TABLE message_settings ADD COLUMN smtp_password TEXT NOT NULL DEFAULT '';
ALTER TABLE message_settings ADD COLUMN email_from TEXT NOT NULL DEFAULT '';
ALTER TABLE message_settings ADD COLUMN emails_per_minute BIGINT NOT NULL DEFAULT 60;
ALTER TABLE message_settings ADD COLUMN weekly_standings BIGINT NOT NULL DEFAULT 1;
ALTER TABLE message_settings ADD COLUMN weekly_digest BIGINT NOT NULL DEFAULT 1;

-- Integrations (a practice-management system, a CRM): each hand-out, redemption and visit is
-- posted to these endpoints as JSON signed with the endpoint's secret (HMAC-SHA256), through
-- the outbox (channel `webhook`, retried like any message). `events`: comma-separated.
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    events      TEXT NOT NULL,
    active      BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL
);

-- The outbox gains an e-mail's subject (SMS have none), `started_at` (when the worker began
-- talking to the provider about a leased message: a lease that runs out before that puts the
-- message back in the queue, after it the message is `unknown`), the webhook a delivery is
-- for, and a third channel, `webhook`. SQLite cannot change a CHECK: the table is rebuilt.
CREATE TABLE messages_new (
    id               INTEGER PRIMARY KEY,
    campaign_id      BIGINT REFERENCES campaigns(id) ON DELETE RESTRICT,
    patient_id       BIGINT REFERENCES patients(id) ON DELETE SET NULL,
    purpose          TEXT NOT NULL,
    dedup_key        TEXT NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'webhook')),
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
    subject          TEXT,
    started_at       TEXT,
    webhook_id       BIGINT REFERENCES webhooks(id) ON DELETE SET NULL,
    CONSTRAINT messages_dedup_unique UNIQUE (dedup_key)
);
INSERT INTO messages_new (id, campaign_id, patient_id, purpose, dedup_key, channel, recipient, body, status,
    attempts, next_attempt_at, leased_at, lease_owner, lease_until, provider_id, reason, created_at, sent_at, updated_at)
SELECT id, campaign_id, patient_id, purpose, dedup_key, channel, recipient, body, status,
    attempts, next_attempt_at, leased_at, lease_owner, lease_until, provider_id, reason, created_at, sent_at, updated_at
FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_due ON messages (status, channel, next_attempt_at);
CREATE INDEX messages_leased ON messages (channel, leased_at);
CREATE INDEX messages_campaign ON messages (campaign_id, created_at);
CREATE INDEX messages_patient ON messages (patient_id);

-- Where a store's administrator gets the store's weekly standings.
ALTER TABLE stores ADD COLUMN admin_email TEXT;

-- A campaign sends each participant's certificate by SMS (and by e-mail when they gave one):
-- on self-registration, with the code that confirms their phone, and on a store's hand-out.
-- (`e_certificates` stays what it was: self-registration is open.)
ALTER TABLE campaigns ADD COLUMN send_e_certificates BIGINT NOT NULL DEFAULT 0;

-- The code sent by SMS to confirm a self-registered phone: stored hashed, a few tries, a
-- deadline. Confirming sets the hand-out's `confirmed`.
CREATE TABLE phone_codes (
    id            INTEGER PRIMARY KEY,
    handout_id    BIGINT NOT NULL REFERENCES handouts(id) ON DELETE CASCADE,
    code_hash     TEXT NOT NULL,
    attempts      BIGINT NOT NULL DEFAULT 0,
    expires_at    TEXT NOT NULL,
    confirmed_at  TEXT,
    created_at    TEXT NOT NULL,
    CONSTRAINT phone_codes_handout_unique UNIQUE (handout_id)
);

