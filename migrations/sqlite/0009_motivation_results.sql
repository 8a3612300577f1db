-- Staff motivation (checklist items 5–6, 17г) and the settings the results use (17д, 21). (SQLite)

-- The clinic's margin on what participants pay, percent: profit = revenue × margin − costs.
ALTER TABLE clinic_settings ADD COLUMN margin_percent BIGINT NOT NULL DEFAULT 40;
-- Visits within this many days after the redemption count as the campaign's revenue.
ALTER TABLE campaigns ADD COLUMN attribution_days BIGINT NOT NULL DEFAULT 90;

-- A campaign's motivation rules: kopecks per event (0 = not paid for), a weekly cap per employee.
CREATE TABLE motivation_rules (
    campaign_id            BIGINT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
    per_handout_kopecks    BIGINT NOT NULL DEFAULT 0 CHECK (per_handout_kopecks >= 0),
    -- 1: a hand-out counts only once its certificate is redeemed at reception.
    handout_when_redeemed  BIGINT NOT NULL DEFAULT 0,
    per_redemption_kopecks BIGINT NOT NULL DEFAULT 0 CHECK (per_redemption_kopecks >= 0),
    per_buyer_kopecks      BIGINT NOT NULL DEFAULT 0 CHECK (per_buyer_kopecks >= 0),
    weekly_cap_kopecks     BIGINT CHECK (weekly_cap_kopecks >= 0),
    updated_by             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);

-- A week marked as paid: once per campaign and week; its total is written once into the costs.
CREATE TABLE motivation_payouts (
    id             INTEGER PRIMARY KEY,
    campaign_id    BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    week_start     TEXT NOT NULL,
    total_kopecks  BIGINT NOT NULL CHECK (total_kopecks >= 0),
    cost_id        BIGINT REFERENCES campaign_costs(id) ON DELETE RESTRICT,
    paid_at        TEXT NOT NULL,
    paid_by        TEXT NOT NULL,
    CONSTRAINT motivation_payouts_week_unique UNIQUE (campaign_id, week_start)
);

-- What each employee was paid for the week (their due amount then).
CREATE TABLE motivation_payout_lines (
    payout_id      BIGINT NOT NULL REFERENCES motivation_payouts(id) ON DELETE CASCADE,
    employee_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    store_id       BIGINT REFERENCES stores(id) ON DELETE RESTRICT,
    amount_kopecks BIGINT NOT NULL CHECK (amount_kopecks >= 0),
    PRIMARY KEY (payout_id, employee_id)
);

-- The marketer's review of a bonus held by a signal: released or withheld for that week.
CREATE TABLE motivation_reviews (
    campaign_id    BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    week_start     TEXT NOT NULL,
    employee_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    decision       TEXT NOT NULL CHECK (decision IN ('release', 'withhold')),
    note           TEXT NOT NULL DEFAULT '',
    reviewed_by    TEXT NOT NULL,
    reviewed_at    TEXT NOT NULL,
    PRIMARY KEY (campaign_id, week_start, employee_id)
);
