-- notification-gateway (issue #14): the outbox every message is accepted into once per key, its history, the
-- suppression list, and the delivery events waiting to be forwarded to campaign-analytics.

-- Where a message is. 'sending' is the gateway's own: the provider call may be under way (lease_until says until
-- when the dispatcher that claimed it holds it); the API shows it as QUEUED.
CREATE TYPE delivery.message_state AS ENUM ('queued', 'sending', 'sent', 'delivered', 'bounced', 'failed', 'suppressed');
CREATE TYPE delivery.consent_purpose AS ENUM ('marketing', 'transactional', 'analytics', 'personalization');

-- The outbox. One row per MessageKey (the unique constraint is the idempotency); the content is its protobuf
-- encoding (herald.delivery.v1.EmailContent, SMSContent, PushContent or InAppContent by channel).
CREATE TABLE delivery.messages (
    id UUID PRIMARY KEY,
    campaign_id UUID NOT NULL,
    user_id UUID NOT NULL,
    execution_id TEXT NOT NULL,
    node_id TEXT NOT NULL,
    channel common.notification_channel NOT NULL,
    purpose delivery.consent_purpose NOT NULL,
    content BYTEA NOT NULL,
    state delivery.message_state NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    -- When a queued message is due (later than acceptance when deferred by quiet hours or a retry's backoff).
    due_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    lease_until TIMESTAMP WITH TIME ZONE,
    accepted_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    provider TEXT NOT NULL DEFAULT '',
    provider_message_id TEXT NOT NULL DEFAULT '',
    -- Why it was suppressed, or the provider's last reply when it failed.
    error TEXT NOT NULL DEFAULT '',
    -- In-app messages: when the user read or dismissed it, and when it stops being shown.
    read_at TIMESTAMP WITH TIME ZONE,
    dismissed_at TIMESTAMP WITH TIME ZONE,
    expires_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT messages_key UNIQUE (campaign_id, user_id, execution_id, node_id)
);
-- What the dispatchers claim: queued messages by due time, and sending ones whose lease ran out (a crash).
CREATE INDEX idx_messages_due ON delivery.messages (due_at) WHERE state = 'queued';
CREATE INDEX idx_messages_leased ON delivery.messages (lease_until) WHERE state = 'sending';
-- A user's in-app inbox, newest first.
CREATE INDEX idx_messages_inbox ON delivery.messages (user_id, accepted_at DESC, id)
    WHERE channel = 'in_app' AND dismissed_at IS NULL;

-- Every state change of every message: its history (TrackDeliveryStatus) and the delivery events forwarded to
-- campaign-analytics in order of seq (forwarded_at set once it has them; until then this table is their outbox).
CREATE TABLE delivery.events (
    seq BIGSERIAL PRIMARY KEY,
    message_id UUID NOT NULL REFERENCES delivery.messages (id) ON DELETE CASCADE,
    state delivery.message_state NOT NULL,
    at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    detail TEXT NOT NULL DEFAULT '',
    forwarded_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX idx_events_message ON delivery.events (message_id, seq);
CREATE INDEX idx_events_unforwarded ON delivery.events (seq) WHERE forwarded_at IS NULL;

-- Addresses never sent to on their channel.
CREATE TABLE delivery.suppressions (
    channel common.notification_channel NOT NULL,
    address TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    -- the list's page key, with created_at
    id UUID NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    PRIMARY KEY (channel, address)
);
CREATE INDEX idx_suppressions_created ON delivery.suppressions (created_at, id);
