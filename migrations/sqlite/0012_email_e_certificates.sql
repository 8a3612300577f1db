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

-- An e-mail's subject (SMS have none).
ALTER TABLE messages ADD COLUMN subject TEXT;

-- When the worker began talking to the provider about a leased message. A lease that runs out
-- before that point puts the message back in the queue (nothing was sent); after it, the
-- message is `unknown` (the provider may have it).
ALTER TABLE messages ADD COLUMN started_at TEXT;

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

