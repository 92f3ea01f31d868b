-- ab-testing-engine: the split each assignment batch was expected to have under the weights in effect then, so that
-- the sample-ratio check compares participants with the weights they were assigned under (a change of weights is
-- not a mismatch).
ALTER TABLE experiments.variant_totals ADD COLUMN expected DOUBLE PRECISION NOT NULL DEFAULT 0;
