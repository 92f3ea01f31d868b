-- campaign-analytics: custom metrics (RecordCustomMetric), each stored once by its id and summed by name.
CREATE TABLE analytics.custom_metrics (
    id UUID PRIMARY KEY,
    campaign_id UUID NOT NULL REFERENCES campaigns.campaigns (id),
    name TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    at TIMESTAMP WITH TIME ZONE NOT NULL,
    dimensions JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX custom_metrics_campaign ON analytics.custom_metrics (campaign_id, at);
