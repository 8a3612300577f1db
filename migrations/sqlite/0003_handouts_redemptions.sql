-- Participants, hand-outs, redemptions and visits (SQLite). Kept in step with ../postgres/.

-- The people who received a certificate: the clinic's (future) patients, one row per phone.
CREATE TABLE patients (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL,
    email       TEXT,
    birthday    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CONSTRAINT patients_phone_unique UNIQUE (phone)
);

-- A certificate given to a participant by a store employee (or taken by the participant
-- themself from a poster/form QR). One per certificate; the moment it happened comes from the
-- device, so records typed offline keep their real time.
CREATE TABLE handouts (
    id               INTEGER PRIMARY KEY,
    certificate_id   BIGINT NOT NULL REFERENCES certificates(id) ON DELETE RESTRICT,
    campaign_id      BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
    store_id         BIGINT NOT NULL REFERENCES stores(id) ON DELETE RESTRICT,
    employee_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    patient_id       BIGINT NOT NULL REFERENCES patients(id) ON DELETE RESTRICT,
    source           TEXT NOT NULL CHECK (source IN ('staff', 'paper_form', 'self')),
    form_serial      BIGINT,
    heard_from       TEXT,
    consent_version  TEXT NOT NULL,
    consent_at       TEXT NOT NULL,
    happened_at      TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    from_store_id    BIGINT REFERENCES stores(id) ON DELETE RESTRICT,
    idempotency_key  TEXT NOT NULL,
    CONSTRAINT handouts_certificate_unique UNIQUE (certificate_id),
    CONSTRAINT handouts_idempotency_unique UNIQUE (idempotency_key)
);
CREATE INDEX handouts_campaign_patient ON handouts (campaign_id, patient_id);
CREATE INDEX handouts_store ON handouts (store_id, happened_at);

-- A certificate used at the clinic. At most one live (not undone) redemption per certificate;
-- the store and employee it is credited to are fixed at redemption.
CREATE TABLE redemptions (
    id               INTEGER PRIMARY KEY,
    certificate_id   BIGINT NOT NULL REFERENCES certificates(id) ON DELETE RESTRICT,
    campaign_id      BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
    store_id         BIGINT REFERENCES stores(id) ON DELETE RESTRICT,
    employee_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    handout_id       BIGINT REFERENCES handouts(id) ON DELETE RESTRICT,
    patient_id       BIGINT REFERENCES patients(id) ON DELETE RESTRICT,
    redeemed_at      TEXT NOT NULL,
    redeemed_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    redeemed_by_name TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    undone_at        TEXT,
    undone_by        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    undo_reason      TEXT,
    CONSTRAINT redemptions_idempotency_unique UNIQUE (idempotency_key)
);
CREATE UNIQUE INDEX redemptions_live_certificate ON redemptions (certificate_id) WHERE undone_at IS NULL;
CREATE INDEX redemptions_patient ON redemptions (patient_id);
CREATE INDEX redemptions_campaign ON redemptions (campaign_id, store_id);

-- Redeeming is one INSERT (the partial unique index above lets one live redemption per
-- certificate exist); this trigger keeps the certificate's state and the audit log in step in
-- the same atomic statement, so the hot path is a single round trip to the database.
CREATE TRIGGER redemptions_redeem AFTER INSERT ON redemptions
BEGIN
    UPDATE certificates SET state = 'redeemed' WHERE id = NEW.certificate_id;
    INSERT INTO audit_log (at, actor_id, actor, action, entity, entity_id, details)
    VALUES (NEW.redeemed_at, NEW.redeemed_by,
            CASE WHEN NEW.redeemed_by IS NULL THEN NEW.redeemed_by_name
                 ELSE NEW.redeemed_by_name || ' (#' || NEW.redeemed_by || ')' END,
            'redeem', 'certificate', NEW.certificate_id,
            json_object('redemption_id', NEW.id,
                        'without_handout', json(CASE WHEN NEW.handout_id IS NULL THEN 'true' ELSE 'false' END)));
END;

-- The clinic's services, offered when a visit is recorded. Configurable by the marketer.
CREATE TABLE services (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    sort        BIGINT NOT NULL DEFAULT 0,
    active      BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT services_name_unique UNIQUE (name)
);
INSERT INTO services (name, sort) VALUES
    ('Консультация', 10), ('Терапия', 20), ('Гигиена', 30), ('Протезирование', 40),
    ('Имплантация', 50), ('Ортодонтия', 60), ('Хирургия', 70);

-- A participant's visit to the clinic, credited to the redemption (campaign, store, employee).
CREATE TABLE visits (
    id               INTEGER PRIMARY KEY,
    redemption_id    BIGINT NOT NULL REFERENCES redemptions(id) ON DELETE RESTRICT,
    patient_id       BIGINT REFERENCES patients(id) ON DELETE RESTRICT,
    campaign_id      BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
    store_id         BIGINT REFERENCES stores(id) ON DELETE RESTRICT,
    employee_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    visited_on       TEXT NOT NULL,
    amount_kopecks   BIGINT NOT NULL CHECK (amount_kopecks >= 0),
    services         TEXT NOT NULL DEFAULT '',
    doctor           TEXT,
    note             TEXT,
    recorded_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    recorded_at      TEXT NOT NULL,
    idempotency_key  TEXT,
    CONSTRAINT visits_idempotency_unique UNIQUE (idempotency_key)
);
CREATE INDEX visits_redemption ON visits (redemption_id);
CREATE INDEX visits_campaign ON visits (campaign_id, store_id);

-- Hand-outs uploaded from a phone's offline queue that the server refused (the certificate was
-- handed out on another phone meanwhile, a field turned out wrong…): kept with everything the
-- employee typed, shown to the marketer, resolved by a person. Never dropped.
CREATE TABLE handout_conflicts (
    id               INTEGER PRIMARY KEY,
    campaign_id      BIGINT REFERENCES campaigns(id) ON DELETE RESTRICT,
    store_id         BIGINT REFERENCES stores(id) ON DELETE RESTRICT,
    employee_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    code             TEXT NOT NULL,
    payload          TEXT NOT NULL,
    error_code       TEXT NOT NULL,
    happened_at      TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    resolved_at      TEXT,
    resolved_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    resolution       TEXT,
    CONSTRAINT handout_conflicts_idempotency_unique UNIQUE (idempotency_key)
);
CREATE INDEX handout_conflicts_open ON handout_conflicts (resolved_at, campaign_id);

-- Store staff confirm they have read the campaign's regulations (checklist items 1–3, 6).
CREATE TABLE regulation_reads (
    campaign_id  BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    read_at      TEXT NOT NULL,
    PRIMARY KEY (campaign_id, user_id)
);

-- Participants may take an electronic certificate themselves from a poster or form QR.
ALTER TABLE campaigns ADD COLUMN e_certificates BIGINT NOT NULL DEFAULT 1;
