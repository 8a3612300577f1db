-- The promotion checklist (the seed's 21 points as tasks) and the materials without codes
-- (paper forms, posters, regulations copies): a movements ledger per store. (SQLite)

-- The weekday the weekly routine is due (1 = Monday … 7 = Sunday); weeks run Monday–Sunday.
ALTER TABLE clinic_settings ADD COLUMN weekly_check_day BIGINT NOT NULL DEFAULT 1;

-- Kinds of materials without codes. The built-in ones carry a key; the marketer adds others.
CREATE TABLE material_kinds (
    id             INTEGER PRIMARY KEY,
    builtin        TEXT,
    name           TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    -- A store holding fewer than this is an alert (posters: 1, regulations: 1).
    per_store_min  BIGINT NOT NULL DEFAULT 0,
    archived       BIGINT NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    CONSTRAINT material_kinds_builtin_unique UNIQUE (builtin)
);

-- Every movement of a material in a store: delivered, counted on site (sets the level; the
-- difference is recorded), returned, moved to or from another store. Never edited.
CREATE TABLE material_movements (
    id              INTEGER PRIMARY KEY,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    store_id        BIGINT NOT NULL REFERENCES stores(id) ON DELETE RESTRICT,
    kind_id         BIGINT NOT NULL REFERENCES material_kinds(id) ON DELETE RESTRICT,
    movement        TEXT NOT NULL CHECK (movement IN ('delivered', 'counted', 'returned', 'moved_out', 'moved_in')),
    quantity        BIGINT NOT NULL CHECK (quantity >= 0),
    delta           BIGINT NOT NULL,
    level_after     BIGINT NOT NULL,
    other_store_id  BIGINT REFERENCES stores(id) ON DELETE RESTRICT,
    note            TEXT,
    actor_id        BIGINT REFERENCES users(id) ON DELETE SET NULL,
    actor           TEXT NOT NULL,
    happened_at     TEXT NOT NULL
);
CREATE INDEX material_movements_store ON material_movements (campaign_id, store_id, kind_id, happened_at);

-- Each store's level of each material, kept in the same transaction as the ledger: the level at
-- the last count (0 before any), when that was, and the ledger's movements since. Paper forms
-- also go down with every form typed in and up with every form batch printed for the store.
CREATE TABLE material_levels (
    campaign_id   BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    store_id      BIGINT NOT NULL REFERENCES stores(id) ON DELETE RESTRICT,
    kind_id       BIGINT NOT NULL REFERENCES material_kinds(id) ON DELETE RESTRICT,
    counted_level BIGINT NOT NULL DEFAULT 0,
    counted_at    TEXT,
    moved         BIGINT NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (campaign_id, store_id, kind_id)
);

-- The clinic's checklist template: the seed's points (with a key) and the marketer's own.
CREATE TABLE checklist_items (
    id           INTEGER PRIMARY KEY,
    builtin      TEXT,
    position     BIGINT NOT NULL,
    code         TEXT NOT NULL,
    title        TEXT NOT NULL,
    title_en     TEXT NOT NULL DEFAULT '',
    schedule     TEXT NOT NULL CHECK (schedule IN ('before_start', 'at_start', 'per_store', 'per_partner', 'weekly', 'weekly_per_store', 'after_end', 'before_expiry')),
    offset_days  BIGINT NOT NULL DEFAULT 0,
    role         TEXT NOT NULL CHECK (role IN ('marketer', 'reception', 'store_staff', 'mystery_shopper')),
    auto_check   TEXT,
    proof        TEXT NOT NULL DEFAULT 'none' CHECK (proof IN ('none', 'link_or_photo', 'photo')),
    active       BIGINT NOT NULL DEFAULT 1,
    updated_at   TEXT NOT NULL,
    CONSTRAINT checklist_items_builtin_unique UNIQUE (builtin)
);

-- A campaign's tasks: one per checklist item (and store, partner, week where the item says so),
-- keyed so that several app instances creating the same week never double them; and staff's
-- requests for more stock.
CREATE TABLE tasks (
    id              INTEGER PRIMARY KEY,
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    item_id         BIGINT REFERENCES checklist_items(id) ON DELETE CASCADE,
    task_key        TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('checklist', 'request')),
    store_id        BIGINT REFERENCES stores(id) ON DELETE RESTRICT,
    partner_id      BIGINT REFERENCES partners(id) ON DELETE RESTRICT,
    week_start      TEXT,
    title           TEXT,
    due_on          TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'na')),
    assignee_id     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    done_by         BIGINT REFERENCES users(id) ON DELETE SET NULL,
    done_by_name    TEXT,
    done_at         TEXT,
    note            TEXT,
    link            TEXT,
    reach           BIGINT,
    -- An automatic check closed it: what it saw (JSON).
    evidence        TEXT,
    -- Reopened by a person: the automatic check no longer closes it.
    manual          BIGINT NOT NULL DEFAULT 0,
    -- A request for more stock: of which material, how many, by whom.
    request_kind_id BIGINT REFERENCES material_kinds(id) ON DELETE RESTRICT,
    request_count   BIGINT,
    requested_by    BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CONSTRAINT tasks_key_unique UNIQUE (task_key)
);
CREATE INDEX tasks_campaign_state_due ON tasks (campaign_id, state, due_on);
CREATE INDEX tasks_store ON tasks (store_id, state);

-- The tasks of a campaign exist up to this week for this shape of the campaign (template,
-- stores, dates): one indexed read tells that nothing needs creating.
CREATE TABLE task_generations (
    campaign_id  BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (campaign_id, fingerprint)
);

-- Photo evidence, resized on upload, kept in the database so every instance serves it.
CREATE TABLE task_photos (
    id            INTEGER PRIMARY KEY,
    task_id       BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    content_type  TEXT NOT NULL,
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    size          BIGINT NOT NULL,
    original_size BIGINT NOT NULL,
    data          BLOB NOT NULL,
    uploaded_by   BIGINT REFERENCES users(id) ON DELETE SET NULL,
    uploader      TEXT NOT NULL,
    taken_at      TEXT NOT NULL
);
CREATE INDEX task_photos_task ON task_photos (task_id);

CREATE TABLE task_comments (
    id          INTEGER PRIMARY KEY,
    task_id     BIGINT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    author_id   BIGINT REFERENCES users(id) ON DELETE SET NULL,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX task_comments_task ON task_comments (task_id);

-- Checklist items 7–8: doctors have no accounts, so the marketer records each one's briefing.
-- (Reception accounts confirm their own, in regulation_reads.)
CREATE TABLE doctor_briefings (
    id           INTEGER PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    doctor       TEXT NOT NULL,
    briefed_on   TEXT NOT NULL,
    note         TEXT,
    recorded_by  BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX doctor_briefings_campaign ON doctor_briefings (campaign_id);

-- Checklist item 2: a store's staff opened the regulations PDF (the first time is kept).
CREATE TABLE regulation_downloads (
    campaign_id     BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    store_id        BIGINT NOT NULL REFERENCES stores(id) ON DELETE RESTRICT,
    user_id         BIGINT REFERENCES users(id) ON DELETE SET NULL,
    downloaded_at   TEXT NOT NULL,
    PRIMARY KEY (campaign_id, store_id)
);
