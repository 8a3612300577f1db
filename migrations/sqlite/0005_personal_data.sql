-- Personal data (152-FZ): withdrawn consent, anonymised participants, searchable names, and
-- self-registered phones that nobody has confirmed yet.

-- When the participant withdrew consent (no message is sent after it) and when their personal
-- data was erased on request (the counts and money of the reports stay, without the person).
ALTER TABLE patients ADD COLUMN consent_withdrawn_at TEXT;
ALTER TABLE patients ADD COLUMN anonymised_at TEXT;
-- The name lower-cased by the app (Unicode-aware), for search on both engines.
ALTER TABLE patients ADD COLUMN name_key TEXT;
CREATE INDEX patients_name_key ON patients (name_key);

-- A self-registration gives a phone nobody has checked: 0 until the participant comes to the
-- clinic (or confirms by SMS). An unconfirmed one never blocks a store's hand-out to that phone.
ALTER TABLE handouts ADD COLUMN confirmed BIGINT NOT NULL DEFAULT 1;
UPDATE handouts SET confirmed = 0 WHERE source = 'self'
    AND NOT EXISTS (SELECT 1 FROM redemptions r WHERE r.handout_id = handouts.id);
