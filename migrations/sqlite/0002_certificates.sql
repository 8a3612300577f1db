-- Certificates: batches, codes, allocation to stores; paper forms. (SQLite)
-- Texts printed on the materials; empty means Sarafan's default wording.
ALTER TABLE campaigns ADD COLUMN cert_title TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN cert_text TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN regulations TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN consent_text TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN poster_headline TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN poster_text TEXT NOT NULL DEFAULT '';
-- The next certificate and paper-form serial numbers (taken atomically with UPDATE … RETURNING).
ALTER TABLE campaigns ADD COLUMN next_serial BIGINT NOT NULL DEFAULT 1;
ALTER TABLE campaigns ADD COLUMN next_form_serial BIGINT NOT NULL DEFAULT 1;

CREATE TABLE certificate_batches (
    id            INTEGER PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
    first_serial  BIGINT NOT NULL,
    last_serial   BIGINT NOT NULL,
    created_by    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    CHECK (last_serial >= first_serial)
);

CREATE TABLE certificates (
    id           INTEGER PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
    batch_id     BIGINT NOT NULL REFERENCES certificate_batches(id) ON DELETE RESTRICT,
    serial       BIGINT NOT NULL,
    code         TEXT NOT NULL,
    store_id     BIGINT REFERENCES stores(id) ON DELETE RESTRICT,
    state        TEXT NOT NULL DEFAULT 'printed' CHECK (state IN ('printed', 'handed_out', 'redeemed', 'voided')),
    void_reason  TEXT,
    voided_at    TEXT,
    voided_by    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    CONSTRAINT certificates_code_unique UNIQUE (code),
    CONSTRAINT certificates_serial_unique UNIQUE (campaign_id, serial)
);
CREATE INDEX certificates_store_state ON certificates (store_id, state);
CREATE INDEX certificates_batch ON certificates (batch_id, serial);

-- Every change of allocation: a serial range moved to a store (or first allocated).
CREATE TABLE certificate_moves (
    id            INTEGER PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
    first_serial  BIGINT NOT NULL,
    last_serial   BIGINT NOT NULL,
    to_store_id   BIGINT REFERENCES stores(id) ON DELETE RESTRICT,
    moved         BIGINT NOT NULL,
    reason        TEXT,
    moved_by      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    moved_at      TEXT NOT NULL
);

-- Paper participant forms printed for a store: serial ranges, for stock and typing-in later.
CREATE TABLE form_batches (
    id            INTEGER PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE RESTRICT,
    store_id      BIGINT NOT NULL REFERENCES stores(id) ON DELETE RESTRICT,
    first_serial  BIGINT NOT NULL,
    last_serial   BIGINT NOT NULL,
    created_by    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    CHECK (last_serial >= first_serial)
);
CREATE INDEX form_batches_store ON form_batches (campaign_id, store_id);
