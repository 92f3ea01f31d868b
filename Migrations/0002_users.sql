-- The users the spec's tables refer to (created_by, user_id), owned by user-directory.
CREATE TABLE users.users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    external_id VARCHAR(255) UNIQUE,              -- the id in the customer's own systems
    email VARCHAR(320),
    phone VARCHAR(32),                            -- E.164
    display_name VARCHAR(255),
    locale VARCHAR(35),                           -- BCP 47
    timezone VARCHAR(64),                         -- IANA
    attributes JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    deleted_at TIMESTAMP WITH TIME ZONE          -- set by erasure requests; the row stays for foreign keys
);

CREATE INDEX idx_users_email ON users.users (lower(email)) WHERE email IS NOT NULL;
