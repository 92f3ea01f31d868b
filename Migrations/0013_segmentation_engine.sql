-- segmentation-engine (issue #15): the user directory's change feed, segments with what can change them,
-- memberships hash-partitioned by user, and the feed of membership changes.

-- Months of a table partitioned by month: `<table>_YYYY_MM` for `months` months from the month of `start`;
-- returns how many it created. The per-table functions below name their table.
CREATE FUNCTION common.create_monthly_partitions(parent TEXT, start DATE, months INT) RETURNS INT
LANGUAGE plpgsql AS $$
DECLARE
    created INT := 0;
    first DATE;
    schema_name TEXT := split_part(parent, '.', 1);
    name TEXT;
BEGIN
    FOR i IN 0 .. months - 1 LOOP
        first := (date_trunc('month', start) + make_interval(months => i))::date;
        name := split_part(parent, '.', 2) || '_' || to_char(first, 'YYYY_MM');
        IF to_regclass(schema_name || '.' || name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                schema_name, name, parent, first, (first + interval '1 month')::date);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END $$;

-- The user directory's change feed: one row for each change of a user that can move them into or out of a segment
-- or start a journey, written by the triggers below in the transaction of the change, whatever wrote it (a call,
-- an import's COPY, an erasure). `names` says what changed, in the vocabulary of a segment's dependencies:
-- 'attributes.<name>', 'external_id', 'locale', 'timezone', 'preferences', 'email', 'phone' (kind profile; empty
-- for a new user: everything), 'event:<type>' (activity), 'consent', 'device'. A user deleted or erased is kind
-- 'deleted'. A bulk insert of more than 1,000 users at once is a single 'bulk' row (user_id all zeros): consumers
-- re-evaluate everything once rather than user by user.
--
-- Consumers read in (xid, seq) order only the rows of transactions older than every transaction still running
-- (xid < pg_snapshot_xmin(pg_current_snapshot())): a transaction that started earlier but commits later can never be
-- skipped, which reading by a sequence alone cannot promise.
CREATE SEQUENCE users.changes_seq;
CREATE TABLE users.changes (
    user_id UUID NOT NULL,
    seq BIGINT NOT NULL DEFAULT nextval('users.changes_seq'),
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    kind TEXT NOT NULL CHECK (kind IN ('profile', 'activity', 'consent', 'device', 'deleted', 'bulk')),
    names TEXT[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (user_id, seq, at)
) PARTITION BY RANGE (at);
CREATE INDEX idx_changes_position ON users.changes (xid, seq);
-- (user-directory creates months ahead and drops them after its feed retention; the default partition only
-- catches a write in a month nobody created, so that a user's change never fails for want of one)
CREATE TABLE users.changes_default PARTITION OF users.changes DEFAULT;
CREATE FUNCTION users.create_change_partitions(start DATE, months INT) RETURNS INT LANGUAGE sql AS $$
    SELECT common.create_monthly_partitions('users.changes', start, months)
$$;
SELECT users.create_change_partitions((CURRENT_DATE - interval '1 month')::date, 4);

CREATE FUNCTION users.record_new_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM new_rows) > 1000 THEN
        INSERT INTO users.changes (user_id, kind) VALUES ('00000000-0000-0000-0000-000000000000', 'bulk');
    ELSE
        INSERT INTO users.changes (user_id, kind) SELECT n.id, 'profile' FROM new_rows n;
    END IF;
    PERFORM pg_notify('user_changes', '');
    RETURN NULL;
END $$;

CREATE FUNCTION users.record_user_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO users.changes (user_id, kind, names)
        SELECT n.id,
            CASE WHEN (n.deleted_at IS NOT NULL AND o.deleted_at IS NULL) OR (n.erased_at IS NOT NULL AND o.erased_at IS NULL)
                THEN 'deleted' ELSE 'profile' END,
            ARRAY(SELECT 'attributes.' || k.key FROM (SELECT jsonb_object_keys(n.attributes) AS key
                    UNION SELECT jsonb_object_keys(o.attributes)) k
                  WHERE n.attributes -> k.key IS DISTINCT FROM o.attributes -> k.key)
            || CASE WHEN n.external_id IS DISTINCT FROM o.external_id THEN ARRAY['external_id'] ELSE '{}' END
            || CASE WHEN n.locale IS DISTINCT FROM o.locale THEN ARRAY['locale'] ELSE '{}' END
            || CASE WHEN n.timezone IS DISTINCT FROM o.timezone THEN ARRAY['timezone'] ELSE '{}' END
            || CASE WHEN n.preferences IS DISTINCT FROM o.preferences THEN ARRAY['preferences'] ELSE '{}' END
            || CASE WHEN n.email_index IS DISTINCT FROM o.email_index THEN ARRAY['email'] ELSE '{}' END
            || CASE WHEN n.phone_index IS DISTINCT FROM o.phone_index THEN ARRAY['phone'] ELSE '{}' END
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.attributes IS DISTINCT FROM o.attributes OR n.external_id IS DISTINCT FROM o.external_id
            OR n.locale IS DISTINCT FROM o.locale OR n.timezone IS DISTINCT FROM o.timezone
            OR n.preferences IS DISTINCT FROM o.preferences OR n.email_index IS DISTINCT FROM o.email_index
            OR n.phone_index IS DISTINCT FROM o.phone_index
            OR n.deleted_at IS DISTINCT FROM o.deleted_at OR n.erased_at IS DISTINCT FROM o.erased_at;
    PERFORM pg_notify('user_changes', '');
    RETURN NULL;
END $$;

CREATE FUNCTION users.record_activity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO users.changes (user_id, kind, names)
    SELECT a.user_id, 'activity', array_agg(DISTINCT 'event:' || a.type) FROM new_rows a GROUP BY a.user_id;
    PERFORM pg_notify('user_changes', '');
    RETURN NULL;
END $$;

-- Consent and devices: kind and name are the trigger's arguments.
CREATE FUNCTION users.record_user_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO users.changes (user_id, kind, names)
    SELECT DISTINCT r.user_id, TG_ARGV[0], ARRAY[TG_ARGV[0]] FROM changed_rows r;
    PERFORM pg_notify('user_changes', '');
    RETURN NULL;
END $$;

CREATE TRIGGER users_inserted AFTER INSERT ON users.users REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION users.record_new_users();
CREATE TRIGGER users_updated AFTER UPDATE ON users.users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION users.record_user_changes();
CREATE TRIGGER activity_inserted AFTER INSERT ON users.activity REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION users.record_activity();
CREATE TRIGGER consent_inserted AFTER INSERT ON users.consent REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION users.record_user_rows('consent');
CREATE TRIGGER consent_updated AFTER UPDATE ON users.consent REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION users.record_user_rows('consent');
CREATE TRIGGER devices_inserted AFTER INSERT ON users.devices REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION users.record_user_rows('device');
CREATE TRIGGER devices_updated AFTER UPDATE ON users.devices REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION users.record_user_rows('device');
CREATE TRIGGER devices_deleted AFTER DELETE ON users.devices REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION users.record_user_rows('device');

-- Activity conditions over all users read it by type and time (an index-only scan with the user).
CREATE INDEX idx_activity_type ON users.activity (type, at, user_id);

-- Typed views of a JSON value, immutable so that the service can index attributes in use by them: a number, a
-- string, a time (RFC 3339 with an offset, or a date meaning its midnight UTC; a time without an offset is not one,
-- since its meaning would depend on the session's time zone). Anything else is NULL, so a type mismatch never matches.
CREATE FUNCTION segments.json_number(v JSONB) RETURNS NUMERIC LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN (v #>> '{}')::numeric END
$$;
CREATE FUNCTION segments.json_text(v JSONB) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN jsonb_typeof(v) = 'string' THEN v #>> '{}' END
$$;
CREATE FUNCTION segments.json_time(v JSONB) RETURNS TIMESTAMP WITH TIME ZONE LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN jsonb_typeof(v) <> 'string' THEN NULL
        WHEN (v #>> '{}') ~ '^\d{4}-\d{2}-\d{2}$' THEN ((v #>> '{}') || 'T00:00:00Z')::timestamptz
        WHEN (v #>> '{}') ~ '^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}(:?\d{2})?)$'
            THEN (v #>> '{}')::timestamptz
    END
$$;

-- Segments: what can change a member (`dependencies`, in the change feed's vocabulary plus 'segment:<id>' and
-- 'event:*'), whether time alone can (`time_relative`), and when they were last evaluated against everyone.
ALTER TABLE segments.segments
    ALTER COLUMN size TYPE BIGINT,
    ALTER COLUMN size SET NOT NULL,
    ALTER COLUMN created_by DROP NOT NULL,
    ALTER COLUMN tags SET DEFAULT '{}',
    ADD COLUMN source_segment_id UUID REFERENCES segments.segments (id),
    ADD COLUMN similarity DOUBLE PRECISION NOT NULL DEFAULT 0,
    ADD COLUMN dependencies TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN time_relative BOOLEAN NOT NULL DEFAULT false,
    ADD COLUMN model JSONB,
    ADD COLUMN updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    -- the last evaluation against every user (time-relative segments are evaluated again on a schedule)
    ADD COLUMN evaluated_at TIMESTAMP WITH TIME ZONE,
    ADD COLUMN deleted_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX idx_segments_created ON segments.segments (created_at, id) WHERE deleted_at IS NULL;

-- Memberships now, hash-partitioned by user (the spec's sketch): entering again clears removed_at and restamps
-- added_at; the history of every entry and exit is the membership_changes feed.
DROP TABLE segments.segment_memberships;
CREATE TABLE segments.segment_memberships (
    user_id UUID NOT NULL,
    segment_id UUID NOT NULL REFERENCES segments.segments (id),
    added_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    removed_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (user_id, segment_id)
) PARTITION BY HASH (user_id);
DO $$
BEGIN
    FOR i IN 0 .. 7 LOOP
        EXECUTE format('CREATE TABLE segments.segment_memberships_%s PARTITION OF segments.segment_memberships
            FOR VALUES WITH (MODULUS 8, REMAINDER %s)', i, i);
    END LOOP;
END $$;
CREATE INDEX idx_segment_memberships_segment ON segments.segment_memberships (segment_id, user_id)
    WHERE removed_at IS NULL;

-- Every entry into and exit from a segment, in commit-safe (xid, seq) order like users.changes: what the
-- trigger-manager and the workflow engine consume.
CREATE SEQUENCE segments.membership_changes_seq;
CREATE TABLE segments.membership_changes (
    user_id UUID NOT NULL,
    seq BIGINT NOT NULL DEFAULT nextval('segments.membership_changes_seq'),
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(),
    segment_id UUID NOT NULL,
    entered BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, seq, at)
) PARTITION BY RANGE (at);
CREATE INDEX idx_membership_changes_position ON segments.membership_changes (xid, seq);
CREATE TABLE segments.membership_changes_default PARTITION OF segments.membership_changes DEFAULT;
CREATE FUNCTION segments.create_membership_change_partitions(start DATE, months INT) RETURNS INT LANGUAGE sql AS $$
    SELECT common.create_monthly_partitions('segments.membership_changes', start, months)
$$;
SELECT segments.create_membership_change_partitions((CURRENT_DATE - interval '1 month')::date, 4);

-- Where each consumer of a feed is: the last (xid, seq) it applied, advanced in the transaction that applies.
CREATE TABLE segments.feed_positions (
    consumer TEXT PRIMARY KEY,
    xid xid8 NOT NULL DEFAULT '0',
    seq BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
