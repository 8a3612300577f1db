-- The stock forecast (checklist items 9, 11, 17б, 17в).

-- Below this many days of certificates or forms a store is an alert (the seed's rule: 5 days).
ALTER TABLE campaigns ADD COLUMN min_days_cover BIGINT NOT NULL DEFAULT 5;

-- Certificates on hand per store are counted from this index alone, however large the campaign.
CREATE INDEX certificates_campaign_state_store ON certificates (campaign_id, state, store_id);
-- Use over the last week per store.
CREATE INDEX handouts_campaign_store_time ON handouts (campaign_id, store_id, happened_at);
