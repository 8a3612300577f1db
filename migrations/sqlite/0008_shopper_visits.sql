-- Mystery-shopper visits (checklist item 17а): versioned question lists per campaign, the weekly
-- rotation's visits (one row per campaign, week and slot: several instances never double one),
-- the shopper's answers and photos, and the corrective tasks a failed question opens. (SQLite)

-- How many stores a mystery shopper checks each week in this campaign.
ALTER TABLE campaigns ADD COLUMN shopper_visits_per_week BIGINT NOT NULL DEFAULT 1;

-- A campaign's question list. Editing makes a new version; a visit keeps the one it was
-- answered with. `questions` is the JSON list (text, kind, weight, critical, choices).
CREATE TABLE shopper_questionnaires (
    id           INTEGER PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    version      BIGINT NOT NULL,
    pass_mark    BIGINT NOT NULL,
    questions    TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    CONSTRAINT shopper_questionnaires_version_unique UNIQUE (campaign_id, version)
);

CREATE TABLE shopper_visits (
    id                INTEGER PRIMARY KEY,
    campaign_id       BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    store_id          BIGINT NOT NULL REFERENCES stores(id) ON DELETE RESTRICT,
    -- campaign:week:slot for the rotation's visits; the marketer's extra ones get their own.
    visit_key         TEXT NOT NULL,
    week_start        TEXT NOT NULL,
    questionnaire_id  BIGINT NOT NULL REFERENCES shopper_questionnaires(id) ON DELETE RESTRICT,
    -- 'rotation' or 'marketer', and why the rotation chose the store.
    chosen_by         TEXT NOT NULL CHECK (chosen_by IN ('rotation', 'marketer')),
    reason            TEXT,
    shopper_id        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    -- An outside shopper's name, and the SHA-256 of their link's secret.
    shopper_name      TEXT,
    link_hash         TEXT,
    link_expires_at   TEXT,
    window_from       TEXT NOT NULL,
    window_to         TEXT NOT NULL,
    announced         BIGINT NOT NULL DEFAULT 0,
    state             TEXT NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'signed_off', 'cancelled')),
    visited_on        TEXT,
    score             BIGINT,
    passed            BIGINT,
    critical_failed   BIGINT NOT NULL DEFAULT 0,
    signed_off_at     TEXT,
    signed_off_by     TEXT,
    corrected_at      TEXT,
    corrected_by      TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CONSTRAINT shopper_visits_key_unique UNIQUE (visit_key),
    CONSTRAINT shopper_visits_link_unique UNIQUE (link_hash)
);
CREATE INDEX shopper_visits_campaign_week ON shopper_visits (campaign_id, week_start);
CREATE INDEX shopper_visits_store ON shopper_visits (store_id, state);
CREATE INDEX shopper_visits_shopper ON shopper_visits (shopper_id, state);

-- One answer per question (its position in the visit's question list) and its score 0–100
-- (none for free text and photos).
CREATE TABLE shopper_answers (
    visit_id     BIGINT NOT NULL REFERENCES shopper_visits(id) ON DELETE CASCADE,
    question_no  BIGINT NOT NULL,
    value        TEXT NOT NULL,
    score        BIGINT,
    PRIMARY KEY (visit_id, question_no)
);

-- Photos taken in the form, resized like the checklist's; `client_key` makes a repeated
-- upload from an offline phone land once.
CREATE TABLE shopper_photos (
    id            INTEGER PRIMARY KEY,
    visit_id      BIGINT NOT NULL REFERENCES shopper_visits(id) ON DELETE CASCADE,
    question_no   BIGINT,
    client_key    TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    size          BIGINT NOT NULL,
    original_size BIGINT NOT NULL,
    data          BLOB NOT NULL,
    uploader      TEXT NOT NULL,
    taken_at      TEXT NOT NULL,
    CONSTRAINT shopper_photos_client_key_unique UNIQUE (visit_id, client_key)
);

-- A corrective task opened by a failed question links back to its visit.
ALTER TABLE tasks ADD COLUMN shopper_visit_id BIGINT REFERENCES shopper_visits(id) ON DELETE SET NULL;

-- Item 17а is done when the week's visit is signed off.
UPDATE checklist_items SET auto_check = 'shopper_visit_signed' WHERE builtin = 'shopper_visit';
