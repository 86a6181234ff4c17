-- Queries that must return no rows, on any Medyour database (`npm run invariants`), and after every
-- concurrency and chaos test. Each query names the invariant it checks in its first column.
-- Every module adds its own below.

-- identity: a refresh-token family (session) has at most one live token
SELECT 'refresh family with more than one live token' AS invariant, session_id::text AS subject
FROM refresh_tokens WHERE rotated_at IS NULL GROUP BY session_id HAVING count(*) > 1;

-- identity: a suspended account has no live session
SELECT 'suspended account with a live session' AS invariant, s.id::text AS subject
FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.status = 'suspended' AND s.revoked_at IS NULL;

-- identity: staff roles are held by staff accounts only
SELECT 'staff role on a non-staff account' AS invariant, r.user_id::text AS subject
FROM role_assignments r JOIN users u ON u.id = r.user_id WHERE u.type <> 'staff';

-- identity: only doctors wait for approval
SELECT 'pending approval on a non-doctor' AS invariant, id::text AS subject
FROM users WHERE status = 'pending_approval' AND type <> 'doctor';

-- identity: no one-time code was tried more than the limit
SELECT 'one-time code over its attempt limit' AS invariant, id::text AS subject
FROM one_time_codes WHERE attempts > 5;

-- kernel: a completed idempotency record has its response
SELECT 'completed idempotency key without a status' AS invariant, key AS subject
FROM idempotency_keys WHERE completed_at IS NOT NULL AND status_code IS NULL;
