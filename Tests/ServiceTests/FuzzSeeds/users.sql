-- The audience of seeds that say "# needs: users" (FuzzTests and tools/fuzz run this): 120 users on three plans.
INSERT INTO users.users (attributes)
SELECT jsonb_build_object('plan', (ARRAY['free', 'basic', 'pro'])[1 + i % 3], 'age', 18 + i % 50,
    'country', (ARRAY['DE', 'US', 'FR', 'JP'])[1 + i % 4])
FROM generate_series(1, 120) i;
