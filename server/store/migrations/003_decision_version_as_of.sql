-- 003: which instant chose the deciding version (effective-date semantics, engine/effective-date.ts).
-- pin_to is the policy's pinTo when it decided: 'decision' (the version active at `at`) or
-- 'order.placedAt' (the version active when the order was placed). version_as_of is that
-- instant when it is not `at` (NULL means `at`: every decision logged before this migration,
-- and every decision of a policy pinned to the decision, so the common case stores nothing).
ALTER TABLE decisions ADD COLUMN pin_to TEXT NOT NULL DEFAULT 'decision';
ALTER TABLE decisions ADD COLUMN version_as_of TEXT;
