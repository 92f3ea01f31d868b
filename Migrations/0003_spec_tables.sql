-- The spec's "Database Schema", each table in the schema of the service that owns it.

CREATE TABLE campaigns.campaigns (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    description TEXT,
    type campaigns.campaign_type NOT NULL,
    status campaigns.campaign_status NOT NULL DEFAULT 'draft',
    channels common.notification_channel[] NOT NULL,
    target_segments UUID[] NOT NULL,
    workflow JSONB NOT NULL,
    personalization JSONB,
    ab_tests JSONB,
    schedule JSONB,
    budget JSONB,
    goals JSONB,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    created_by UUID NOT NULL,
    version INTEGER DEFAULT 1,
    tags TEXT[],
    metadata JSONB,
    CONSTRAINT fk_campaigns_created_by FOREIGN KEY (created_by) REFERENCES users.users(id)
);

CREATE TABLE campaigns.campaign_executions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL,
    execution_id VARCHAR(255) NOT NULL,
    status campaigns.execution_status NOT NULL,
    started_at TIMESTAMP WITH TIME ZONE,
    completed_at TIMESTAMP WITH TIME ZONE,
    metrics JSONB,
    errors JSONB,
    CONSTRAINT fk_campaign_executions_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns.campaigns(id)
);

CREATE TABLE segments.segments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    description TEXT,
    type segments.segment_type NOT NULL,
    conditions JSONB NOT NULL,
    size INTEGER DEFAULT 0,
    last_updated TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    performance JSONB,
    tags TEXT[],
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    created_by UUID NOT NULL,
    CONSTRAINT fk_segments_created_by FOREIGN KEY (created_by) REFERENCES users.users(id)
);

CREATE TABLE segments.segment_memberships (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    segment_id UUID NOT NULL,
    user_id UUID NOT NULL,
    added_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    removed_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT fk_segment_memberships_segment FOREIGN KEY (segment_id) REFERENCES segments.segments(id),
    CONSTRAINT fk_segment_memberships_user FOREIGN KEY (user_id) REFERENCES users.users(id),
    UNIQUE (segment_id, user_id)
);

CREATE TABLE personalization.personalization_profiles (
    user_id UUID PRIMARY KEY,
    preferences JSONB,
    behavior JSONB,
    demographics JSONB,
    engagement JSONB,
    recommendations JSONB,
    send_time_optimization JSONB,
    content_preferences JSONB,
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT fk_personalization_profiles_user FOREIGN KEY (user_id) REFERENCES users.users(id)
);

CREATE TABLE experiments.ab_tests (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    type experiments.test_type NOT NULL,
    variants JSONB NOT NULL,
    traffic_allocation JSONB NOT NULL,
    success_metrics JSONB NOT NULL,
    status experiments.test_status NOT NULL DEFAULT 'draft',
    start_date TIMESTAMP WITH TIME ZONE,
    end_date TIMESTAMP WITH TIME ZONE,
    results JSONB,
    statistical_significance JSONB,
    winner UUID,
    confidence DECIMAL(5,4),
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    CONSTRAINT fk_ab_tests_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns.campaigns(id)
);

CREATE TABLE experiments.ab_test_participants (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    test_id UUID NOT NULL,
    user_id UUID NOT NULL,
    variant_id UUID NOT NULL,
    assigned_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    converted BOOLEAN DEFAULT FALSE,
    conversion_value DECIMAL(10,2),
    CONSTRAINT fk_ab_test_participants_test FOREIGN KEY (test_id) REFERENCES experiments.ab_tests(id),
    CONSTRAINT fk_ab_test_participants_user FOREIGN KEY (user_id) REFERENCES users.users(id),
    UNIQUE (test_id, user_id)
);

-- Range-partitioned by month (see 0004). A partitioned table's primary key must include the partition key,
-- so it is (id, timestamp) rather than the spec's id alone.
CREATE TABLE analytics.campaign_events (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL,
    user_id UUID NOT NULL,
    event_type analytics.event_type NOT NULL,
    timestamp TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    channel common.notification_channel NOT NULL,
    device_type VARCHAR(50),
    location JSONB,
    metadata JSONB,
    PRIMARY KEY (id, timestamp),
    CONSTRAINT fk_campaign_events_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns.campaigns(id),
    CONSTRAINT fk_campaign_events_user FOREIGN KEY (user_id) REFERENCES users.users(id)
) PARTITION BY RANGE (timestamp);

CREATE TABLE analytics.campaign_metrics (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign_id UUID NOT NULL,
    date DATE NOT NULL,
    sent INTEGER DEFAULT 0,
    delivered INTEGER DEFAULT 0,
    opened INTEGER DEFAULT 0,
    clicked INTEGER DEFAULT 0,
    converted INTEGER DEFAULT 0,
    unsubscribed INTEGER DEFAULT 0,
    bounced INTEGER DEFAULT 0,
    revenue DECIMAL(10,2) DEFAULT 0,
    cost DECIMAL(10,2) DEFAULT 0,
    CONSTRAINT fk_campaign_metrics_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns.campaigns(id),
    UNIQUE (campaign_id, date)
);

CREATE TABLE triggers.triggers (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    description TEXT,
    conditions JSONB NOT NULL,
    actions JSONB NOT NULL,
    frequency_cap JSONB,
    cooldown_period INTERVAL,
    priority INTEGER DEFAULT 0,
    status triggers.trigger_status NOT NULL DEFAULT 'active',
    performance JSONB,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    created_by UUID NOT NULL,
    CONSTRAINT fk_triggers_created_by FOREIGN KEY (created_by) REFERENCES users.users(id)
);

CREATE TABLE triggers.trigger_executions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    trigger_id UUID NOT NULL,
    user_id UUID NOT NULL,
    event_data JSONB,
    executed_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    result JSONB,
    CONSTRAINT fk_trigger_executions_trigger FOREIGN KEY (trigger_id) REFERENCES triggers.triggers(id),
    CONSTRAINT fk_trigger_executions_user FOREIGN KEY (user_id) REFERENCES users.users(id)
);

-- Every index of the spec.
CREATE INDEX idx_campaigns_status ON campaigns.campaigns(status);
CREATE INDEX idx_campaigns_type ON campaigns.campaigns(type);
CREATE INDEX idx_campaigns_created_at ON campaigns.campaigns(created_at);
CREATE INDEX idx_campaign_executions_campaign_id ON campaigns.campaign_executions(campaign_id);
CREATE INDEX idx_campaign_executions_status ON campaigns.campaign_executions(status);
CREATE INDEX idx_segments_type ON segments.segments(type);
CREATE INDEX idx_segment_memberships_user_id ON segments.segment_memberships(user_id);
CREATE INDEX idx_segment_memberships_segment_id ON segments.segment_memberships(segment_id);
CREATE INDEX idx_ab_tests_campaign_id ON experiments.ab_tests(campaign_id);
CREATE INDEX idx_ab_tests_status ON experiments.ab_tests(status);
CREATE INDEX idx_campaign_events_campaign_id ON analytics.campaign_events(campaign_id);
CREATE INDEX idx_campaign_events_user_id ON analytics.campaign_events(user_id);
CREATE INDEX idx_campaign_events_timestamp ON analytics.campaign_events(timestamp);
CREATE INDEX idx_campaign_metrics_campaign_id ON analytics.campaign_metrics(campaign_id);
CREATE INDEX idx_campaign_metrics_date ON analytics.campaign_metrics(date);
CREATE INDEX idx_triggers_status ON triggers.triggers(status);
CREATE INDEX idx_trigger_executions_trigger_id ON triggers.trigger_executions(trigger_id);
CREATE INDEX idx_trigger_executions_user_id ON triggers.trigger_executions(user_id);
