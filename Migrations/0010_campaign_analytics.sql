-- campaign-analytics (issue #17): events stored once by id, counted into hourly rollups incrementally, unique users
-- exact, and the spec's daily campaign_metrics kept from the same counts.

-- Events are facts other services report: user-directory owns users (an erased user's events stay, pseudonymous),
-- so no foreign key into users.users. The campaign is checked when an event arrives.
ALTER TABLE analytics.campaign_events DROP CONSTRAINT fk_campaign_events_user;
ALTER TABLE analytics.campaign_events
    ADD COLUMN value DOUBLE PRECISION NOT NULL DEFAULT 0,
    ADD COLUMN variant_id TEXT NOT NULL DEFAULT '',
    ADD COLUMN node_id TEXT NOT NULL DEFAULT '',
    ADD COLUMN received_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now();

-- The idempotency of ingestion: a partitioned table's unique key must contain the partition key (the event's
-- time), so the ids are kept here, each once; an event is stored only when its id is new.
CREATE TABLE analytics.event_ids (
    id UUID PRIMARY KEY,
    at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- A user's first event of a type in a campaign (the first received), with where it counts: unique opens and
-- clicks are counted exactly from these.
CREATE TABLE analytics.first_events (
    campaign_id UUID NOT NULL,
    user_id UUID NOT NULL,
    event_type analytics.event_type NOT NULL,
    at TIMESTAMP WITH TIME ZONE NOT NULL,
    variant_id TEXT NOT NULL,
    channel common.notification_channel NOT NULL,
    node_id TEXT NOT NULL,
    PRIMARY KEY (campaign_id, event_type, user_id)
);

-- Counts by campaign x variant x channel x node x hour. Writers append deltas (one row per batch and key, no
-- waiting on a hot counter row); the aggregation folds them into rollups every ANALYTICS_AGGREGATION_INTERVAL and
-- reads add the tail that is not folded yet, so every answer is exact and current.
CREATE TABLE analytics.rollup_deltas (
    seq BIGSERIAL PRIMARY KEY,
    campaign_id UUID NOT NULL,
    variant_id TEXT NOT NULL,
    channel common.notification_channel NOT NULL,
    node_id TEXT NOT NULL,
    hour TIMESTAMP WITH TIME ZONE NOT NULL,
    sent BIGINT NOT NULL DEFAULT 0,
    delivered BIGINT NOT NULL DEFAULT 0,
    bounced BIGINT NOT NULL DEFAULT 0,
    opened BIGINT NOT NULL DEFAULT 0,
    unique_opened BIGINT NOT NULL DEFAULT 0,
    clicked BIGINT NOT NULL DEFAULT 0,
    unique_clicked BIGINT NOT NULL DEFAULT 0,
    converted BIGINT NOT NULL DEFAULT 0,
    unsubscribed BIGINT NOT NULL DEFAULT 0,
    revenue DOUBLE PRECISION NOT NULL DEFAULT 0
);
CREATE INDEX rollup_deltas_campaign ON analytics.rollup_deltas (campaign_id, hour);

CREATE TABLE analytics.rollups (
    campaign_id UUID NOT NULL,
    variant_id TEXT NOT NULL,
    channel common.notification_channel NOT NULL,
    node_id TEXT NOT NULL,
    hour TIMESTAMP WITH TIME ZONE NOT NULL,
    sent BIGINT NOT NULL DEFAULT 0,
    delivered BIGINT NOT NULL DEFAULT 0,
    bounced BIGINT NOT NULL DEFAULT 0,
    opened BIGINT NOT NULL DEFAULT 0,
    unique_opened BIGINT NOT NULL DEFAULT 0,
    clicked BIGINT NOT NULL DEFAULT 0,
    unique_clicked BIGINT NOT NULL DEFAULT 0,
    converted BIGINT NOT NULL DEFAULT 0,
    unsubscribed BIGINT NOT NULL DEFAULT 0,
    revenue DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, hour, variant_id, channel, node_id)
);

-- Stored dashboard definitions (herald.analytics.v1.DashboardDefinition, encoded).
CREATE TABLE analytics.dashboards (
    id UUID PRIMARY KEY,
    definition BYTEA NOT NULL,
    created_by UUID NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
