-- Monthly partitions of analytics.campaign_events: a default partition catches rows no monthly partition
-- covers, and analytics.create_campaign_event_partitions(first_month, months) creates the monthly ones
-- (UTC months, idempotent; campaign-analytics calls it ahead of time, e.g. daily for the next three months).

CREATE TABLE analytics.campaign_events_default PARTITION OF analytics.campaign_events DEFAULT;

CREATE FUNCTION analytics.create_campaign_event_partitions(first_month DATE, months INTEGER)
RETURNS INTEGER
LANGUAGE plpgsql
AS $$
DECLARE
    created INTEGER := 0;
    month_start DATE;
    partition_name TEXT;
BEGIN
    IF months < 1 OR months > 120 THEN
        RAISE EXCEPTION 'months must be between 1 and 120, got %', months USING ERRCODE = '22023';
    END IF;
    FOR i IN 0 .. months - 1 LOOP
        month_start := (date_trunc('month', first_month) + make_interval(months => i))::DATE;
        partition_name := format('campaign_events_%s', to_char(month_start, 'YYYY_MM'));
        IF to_regclass(format('analytics.%I', partition_name)) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE analytics.%I PARTITION OF analytics.campaign_events FOR VALUES FROM (%L) TO (%L)',
                partition_name, month_start::TIMESTAMP AT TIME ZONE 'UTC',
                (month_start + INTERVAL '1 month')::TIMESTAMP AT TIME ZONE 'UTC');
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END;
$$;

-- This month and the next three, so that a fresh install writes into monthly partitions from the start.
SELECT analytics.create_campaign_event_partitions(CURRENT_DATE, 4);
