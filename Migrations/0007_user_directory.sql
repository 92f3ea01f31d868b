-- user-directory (issue #13): personal data only encrypted, versions, preferences, devices, consent with its
-- history, activity by month, the attribute schema, the audit trail and data-subject requests.

-- Email, phone and name are kept only encrypted (AES-256-GCM; each value names the key that sealed it, and key_id
-- says which key the row's values use, so that a rotation finds the rows still to re-encrypt). Lookups by email or
-- phone go through keyed HMAC blind indexes, never plaintext.
DROP INDEX IF EXISTS users.idx_users_email;
ALTER TABLE users.users
    DROP COLUMN email,
    DROP COLUMN phone,
    DROP COLUMN display_name,
    ADD COLUMN email_enc BYTEA,
    ADD COLUMN phone_enc BYTEA,
    ADD COLUMN display_name_enc BYTEA,
    ADD COLUMN email_index BYTEA,
    ADD COLUMN phone_index BYTEA,
    ADD COLUMN key_id TEXT,
    ADD COLUMN version BIGINT NOT NULL DEFAULT 1,
    -- preferred channels, language, topics, unsubscribed topics, messages a day, quiet hours
    ADD COLUMN preferences JSONB NOT NULL DEFAULT '{}',
    -- set by an erasure: the row stays (foreign keys, history), without personal data
    ADD COLUMN erased_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX idx_users_email_index ON users.users (email_index) WHERE email_index IS NOT NULL;
CREATE INDEX idx_users_phone_index ON users.users (phone_index) WHERE phone_index IS NOT NULL;
CREATE INDEX idx_users_created ON users.users (created_at, id);
CREATE INDEX idx_users_key ON users.users (key_id);
CREATE INDEX idx_users_attributes ON users.users USING GIN (attributes jsonb_path_ops);

-- Push devices, the token encrypted and found by its blind index.
CREATE TABLE users.devices (
    user_id UUID NOT NULL REFERENCES users.users (id),
    token_index BYTEA NOT NULL,
    token_enc BYTEA NOT NULL,
    key_id TEXT NOT NULL,
    platform TEXT NOT NULL CHECK (platform IN ('apns', 'fcm')),
    app_id TEXT NOT NULL DEFAULT '',
    registered_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, token_index)
);
-- A token belongs to one user at a time (RegisterDevice moves it): the one per-user key not led by user_id, since a
-- push token is global by nature.
CREATE UNIQUE INDEX idx_devices_token ON users.devices (token_index);
CREATE INDEX idx_devices_key ON users.devices (key_id);

-- Consent now, per channel ('channel:email') and purpose ('purpose:marketing'), and every change for ever.
CREATE TABLE users.consent (
    user_id UUID NOT NULL REFERENCES users.users (id),
    subject TEXT NOT NULL,
    granted BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    legal_basis TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, subject)
);
CREATE TABLE users.consent_history (
    user_id UUID NOT NULL REFERENCES users.users (id),
    id BIGINT GENERATED ALWAYS AS IDENTITY,
    at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    subject TEXT NOT NULL,
    granted BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    legal_basis TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, id)
);

-- What users do, partitioned by month (the service creates partitions ahead and drops those past retention). An
-- activity is stored once: the same id and time, or (when user-directory gave the time) the same id within a day, is a retry.
CREATE TABLE users.activity (
    user_id UUID NOT NULL,
    id TEXT NOT NULL,
    at TIMESTAMP WITH TIME ZONE NOT NULL,
    type TEXT NOT NULL,
    properties JSONB,
    channel common.notification_channel,
    campaign_id UUID,
    -- (led by user_id: a user's activity, for segment data, exports and erasure, is found by it too)
    PRIMARY KEY (user_id, id, at)
) PARTITION BY RANGE (at);

-- users.activity_YYYY_MM for `months` months from the month of `start`; returns how many it created.
CREATE FUNCTION users.create_activity_partitions(start DATE, months INT) RETURNS INT LANGUAGE plpgsql AS $$
DECLARE
    created INT := 0;
    first DATE;
    name TEXT;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        first := (date_trunc('month', start) + make_interval(months => i))::date;
        name := 'activity_' || to_char(first, 'YYYY_MM');
        IF to_regclass('users.' || name) IS NULL THEN
            EXECUTE format('CREATE TABLE users.%I PARTITION OF users.activity FOR VALUES FROM (%L) TO (%L)',
                name, first, (first + interval '1 month')::date);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END $$;
SELECT users.create_activity_partitions((CURRENT_DATE - interval '1 month')::date, 4);

-- The type each attribute has had since first used: a value of another type is refused, naming the attribute.
CREATE TABLE users.attribute_types (
    name TEXT PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('string', 'number', 'boolean', 'timestamp', 'list', 'object')),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);

-- Every mutation and data-subject request, in the same transaction as the change; never personal data.
CREATE TABLE users.audit (
    user_id UUID NOT NULL,
    id BIGINT GENERATED ALWAYS AS IDENTITY,
    at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    action TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    detail JSONB,
    PRIMARY KEY (user_id, id)
);

-- GDPR data-subject requests: each service's part ("steps") done once and retried until done, by whichever
-- user-directory process holds the lease (claimed_until) when the request is due.
CREATE TABLE users.data_subject_requests (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users.users (id),
    kind TEXT NOT NULL CHECK (kind IN ('access', 'erasure')),
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'completed')),
    requested_by TEXT NOT NULL,
    requested_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    completed_at TIMESTAMP WITH TIME ZONE,
    steps JSONB NOT NULL DEFAULT '[]',
    due_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    claimed_until TIMESTAMP WITH TIME ZONE
);
CREATE INDEX idx_data_subject_requests_due ON users.data_subject_requests (due_at) WHERE state <> 'completed';
CREATE INDEX idx_data_subject_requests_user ON users.data_subject_requests (user_id);
