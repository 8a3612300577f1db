-- Security and personal data (SQLite). Kept in step with ../postgres/0004_security.sql.

-- Failed sign-ins per (e-mail, client address): each further failure waits longer. Another
-- address that has not failed is never held back, so nobody can lock the marketer out.
CREATE TABLE login_throttle (
    email            TEXT NOT NULL,
    client           TEXT NOT NULL,
    failures         BIGINT NOT NULL,
    last_failure_at  TEXT NOT NULL,
    PRIMARY KEY (email, client)
);

-- What was typed at each hand-out: a participant's stored name and e-mail are never
-- overwritten by a later hand-out or self-registration.
ALTER TABLE handouts ADD COLUMN participant_name TEXT;
ALTER TABLE handouts ADD COLUMN participant_email TEXT;
UPDATE handouts SET participant_name = (SELECT name FROM patients WHERE patients.id = handouts.patient_id);

-- Sessions end after a role's lifetime, and the clinic's own people's also after 12 idle hours:
-- when each session was last used (written at most once a minute).
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
-- API tokens may expire; when each was last used (written at most once a minute).
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
