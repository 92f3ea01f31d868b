-- campaign-manager: what the spec's campaign tables need for versioning, templates, auditing, listing and
-- watching. Every definition column of campaigns.campaigns holds the JSON form of the domain type (camelCase keys).

CREATE TABLE campaigns.campaign_templates (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    definition JSONB NOT NULL,                    -- a CampaignDefinition
    tags TEXT[] NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    created_by UUID NOT NULL,
    CONSTRAINT fk_campaign_templates_created_by FOREIGN KEY (created_by) REFERENCES users.users(id)
);

ALTER TABLE campaigns.campaigns
    ADD COLUMN updated_by UUID,
    ADD COLUMN template_id UUID,
    ADD COLUMN spent DOUBLE PRECISION NOT NULL DEFAULT 0,  -- the budget's spent, maintained by delivery
    -- The definition's fields encoded as a herald.campaigns.v1.Campaign message, written with the JSON columns
    -- whenever campaign-manager changes the definition: GetCampaign and ListCampaigns answer from it without
    -- decoding JSON. NULL (a row written by other means) makes them encode from the JSON columns instead.
    ADD COLUMN definition_pb BYTEA,
    ADD CONSTRAINT fk_campaigns_updated_by FOREIGN KEY (updated_by) REFERENCES users.users(id),
    ADD CONSTRAINT fk_campaigns_template FOREIGN KEY (template_id) REFERENCES campaigns.campaign_templates(id),
    ALTER COLUMN version SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL;

-- Every version of every campaign's definition, the current one included: version 1 on create, one more per
-- update or rollback.
CREATE TABLE campaigns.campaign_versions (
    campaign_id UUID NOT NULL,
    version INTEGER NOT NULL,
    definition JSONB NOT NULL,                    -- a CampaignDefinition
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    created_by UUID NOT NULL,
    change TEXT NOT NULL,                         -- "create", "update", "rollback to 3", "duplicate of <id>"
    PRIMARY KEY (campaign_id, version),
    CONSTRAINT fk_campaign_versions_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns.campaigns(id),
    CONSTRAINT fk_campaign_versions_created_by FOREIGN KEY (created_by) REFERENCES users.users(id)
);

-- One row per mutation, written in the mutation's transaction.
CREATE TABLE campaigns.campaign_audit (
    id BIGSERIAL PRIMARY KEY,
    campaign_id UUID NOT NULL,
    action TEXT NOT NULL,                         -- create, update, execute, pause, resume, terminate, ...
    actor UUID NOT NULL,
    at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    before_version INTEGER,
    after_version INTEGER,
    before_status campaigns.campaign_status,
    after_status campaigns.campaign_status,
    detail JSONB,
    CONSTRAINT fk_campaign_audit_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns.campaigns(id),
    CONSTRAINT fk_campaign_audit_actor FOREIGN KEY (actor) REFERENCES users.users(id)
);
CREATE INDEX idx_campaign_audit_campaign_id ON campaigns.campaign_audit (campaign_id, at);

-- ListCampaigns pages newest first by (created_at, id); tag filters use the GIN index.
CREATE INDEX idx_campaigns_created_at_id ON campaigns.campaigns (created_at DESC, id DESC);
CREATE INDEX idx_campaigns_tags ON campaigns.campaigns USING GIN (tags);

-- WatchCampaignStatus: a change of a campaign's status or version, or of one of its executions, notifies the
-- channel campaign_status with the campaign id (delivered when the transaction commits).
CREATE FUNCTION campaigns.notify_campaign_status() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_TABLE_NAME = 'campaigns' THEN
        PERFORM pg_notify('campaign_status', NEW.id::text);
    ELSE
        PERFORM pg_notify('campaign_status', NEW.campaign_id::text);
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER campaigns_notify_status
    AFTER UPDATE OF status, version ON campaigns.campaigns
    FOR EACH ROW EXECUTE FUNCTION campaigns.notify_campaign_status();

CREATE TRIGGER campaign_executions_notify_status
    AFTER INSERT OR UPDATE ON campaigns.campaign_executions
    FOR EACH ROW EXECUTE FUNCTION campaigns.notify_campaign_status();

-- When an execution was asked for, and by whom: the latest one is the campaign's current execution.
ALTER TABLE campaigns.campaign_executions
    ADD COLUMN requested_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    ADD COLUMN requested_by UUID,
    ADD CONSTRAINT fk_campaign_executions_requested_by FOREIGN KEY (requested_by) REFERENCES users.users(id);
CREATE INDEX idx_campaign_executions_campaign_requested ON campaigns.campaign_executions (campaign_id, requested_at DESC);
