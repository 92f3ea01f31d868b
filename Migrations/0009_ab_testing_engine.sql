-- ab-testing-engine (issue #18): tests as the spec stores them, plus what deterministic assignment, exact and
-- fast statistics, and automatic winners need.

-- Variant ids are the clients' own strings (proto `TestVariant.id`), not UUIDs.
ALTER TABLE experiments.ab_tests ALTER COLUMN winner TYPE TEXT USING winner::text;
ALTER TABLE experiments.ab_tests
    ADD COLUMN engine TEXT NOT NULL DEFAULT 'bayesian' CHECK (engine IN ('bayesian', 'frequentist')),
    -- Which variant owns which of the 10,000 buckets (Domain's BucketRanges): re-weighting moves as few as possible.
    ADD COLUMN bucket_ranges JSONB NOT NULL DEFAULT '{"ranges": []}',
    ADD COLUMN winner_policy JSONB,
    ADD COLUMN factors JSONB NOT NULL DEFAULT '[]',
    ADD COLUMN updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    -- When the bandit's weights were last recomputed.
    ADD COLUMN reweighted_at TIMESTAMP WITH TIME ZONE;

-- The spec's ab_test_participants names a UUID variant and a foreign key into user-directory's table on every row,
-- which a million assignments a second cannot afford; exposures (below) replace it, with conversions beside them.
DROP TABLE experiments.ab_test_participants;

-- A user's first assignment, kept for good: later weight changes never move them. variant is the index into
-- ab_tests.variants, -1 for the holdout. covariate: the user's pre-period value of the primary metric (CUPED).
CREATE TABLE experiments.exposures (
    test_id UUID NOT NULL,
    user_id UUID NOT NULL,
    variant SMALLINT NOT NULL,
    exposed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    covariate DOUBLE PRECISION,
    PRIMARY KEY (test_id, user_id)
);

-- Every conversion counted once: a repeat of (test, user, metric, conversion_id) is not counted again.
CREATE TABLE experiments.conversions (
    test_id UUID NOT NULL,
    user_id UUID NOT NULL,
    metric TEXT NOT NULL,
    conversion_id TEXT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    occurred_at TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
    PRIMARY KEY (test_id, user_id, metric, conversion_id)
);

-- A participant's total of one metric (what the variance of a continuous metric is over).
CREATE TABLE experiments.participant_metrics (
    test_id UUID NOT NULL,
    user_id UUID NOT NULL,
    metric TEXT NOT NULL,
    total DOUBLE PRECISION NOT NULL,
    conversions INTEGER NOT NULL,
    PRIMARY KEY (test_id, user_id, metric)
);

-- The running sums AnalyzeTestResults reads instead of scanning exposures: one row per write and variant, added
-- up at read time (append-only, so concurrent writers never wait on one counter row). metric '' holds exposures:
-- participants and the covariate's sums; a metric's rows hold converted users, Σ value, Σ (per-user total)², and
-- the cross sums with the covariate, for CUPED.
CREATE TABLE experiments.variant_totals (
    test_id UUID NOT NULL,
    variant SMALLINT NOT NULL,
    metric TEXT NOT NULL,
    participants BIGINT NOT NULL DEFAULT 0,
    covariates BIGINT NOT NULL DEFAULT 0,
    covariate_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    covariate_sq_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    converted BIGINT NOT NULL DEFAULT 0,
    converted_covariate_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    value_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    value_sq_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    value_covariate_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    recorded_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
CREATE INDEX variant_totals_test ON experiments.variant_totals (test_id);

-- Every winner selected, by whom (or by the policy), with the analysis it was based on: the audit of decisions.
CREATE TABLE experiments.decisions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    test_id UUID NOT NULL REFERENCES experiments.ab_tests(id),
    winner TEXT NOT NULL,
    -- 'significant', 'forced', 'deadline-best', 'deadline-control', 'stopped'
    reason TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    analysis JSONB NOT NULL,
    decided_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
);
CREATE INDEX decisions_test ON experiments.decisions (test_id);
