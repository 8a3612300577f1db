-- Digitised paper forms (checklist items 18–19, SQLite). Kept in step with ../postgres/.

-- A spreadsheet of typed-in paper forms: uploaded, mapped and previewed — nothing of it is a
-- participant until the marketer confirms. The typed cells (personal data) are kept only while
-- the import waits for its confirmation; once confirmed, only counts and each row's outcome
-- (no names, no phones) stay for the history.
CREATE TABLE form_imports (
    id                 INTEGER PRIMARY KEY,
    campaign_id        BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
    file_name          TEXT NOT NULL,
    content_hash       TEXT NOT NULL,
    uploaded_by        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    uploaded_by_name   TEXT NOT NULL,
    uploaded_at        TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('preview', 'confirmed')),
    headers            TEXT NOT NULL,
    cells              TEXT NOT NULL,
    mapping            TEXT NOT NULL,
    default_store_id   BIGINT REFERENCES stores(id) ON DELETE SET NULL,
    preview            TEXT NOT NULL,
    row_count          BIGINT NOT NULL,
    saved_rows         BIGINT NOT NULL DEFAULT 0,
    refused_rows       BIGINT NOT NULL DEFAULT 0,
    confirmed_at       TEXT,
    confirmed_by       BIGINT REFERENCES users(id) ON DELETE SET NULL,
    confirmed_by_name  TEXT
);
CREATE INDEX form_imports_campaign ON form_imports (campaign_id, uploaded_at);
CREATE INDEX form_imports_hash ON form_imports (content_hash, state);

-- A participant's contacts from a paper form without a certificate: their consent lives here
-- (a hand-out keeps its own). One per person per campaign.
CREATE TABLE form_contacts (
    id                 INTEGER PRIMARY KEY,
    patient_id         BIGINT NOT NULL REFERENCES patients(id) ON DELETE RESTRICT,
    campaign_id        BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
    store_id           BIGINT NOT NULL REFERENCES stores(id) ON DELETE RESTRICT,
    import_id          BIGINT REFERENCES form_imports(id) ON DELETE SET NULL,
    form_serial        BIGINT,
    participant_name   TEXT,
    participant_email  TEXT,
    heard_from         TEXT,
    consent_version    TEXT NOT NULL,
    consent_at         TEXT NOT NULL,
    recorded_by        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    recorded_by_name   TEXT NOT NULL,
    recorded_at        TEXT NOT NULL,
    CONSTRAINT form_contacts_campaign_patient_unique UNIQUE (campaign_id, patient_id)
);
CREATE INDEX form_contacts_patient ON form_contacts (patient_id);
CREATE INDEX form_contacts_store ON form_contacts (campaign_id, store_id);

-- Hand-outs typed in from an import point back at it.
ALTER TABLE handouts ADD COLUMN import_id BIGINT REFERENCES form_imports(id) ON DELETE SET NULL;
