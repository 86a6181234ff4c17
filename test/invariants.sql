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

-- inventory: every lot's balances equal the sum of its movements
SELECT 'lot balance differs from its movements' AS invariant, l.id::text AS subject
FROM stock_lots l
LEFT JOIN (SELECT lot_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved FROM stock_movements GROUP BY lot_id) m
  ON m.lot_id = l.id
WHERE l.on_hand <> coalesce(m.on_hand, 0) OR l.reserved <> coalesce(m.reserved, 0);

-- inventory: 0 <= reserved <= on hand (also a CHECK constraint)
SELECT 'lot with reserved outside 0..on_hand' AS invariant, id::text AS subject
FROM stock_lots WHERE reserved < 0 OR reserved > on_hand;

-- inventory: a lot's reserved quantity is exactly its active reservations
SELECT 'lot reserved differs from its active reservations' AS invariant, l.id::text AS subject
FROM stock_lots l
LEFT JOIN (SELECT lot_id, sum(quantity) AS q FROM stock_reservations WHERE status = 'active' GROUP BY lot_id) r ON r.lot_id = l.id
WHERE l.reserved <> coalesce(r.q, 0);

-- inventory: a reference holds one reservation: its rows are lines 1..n (unique per line) and share one state
SELECT 'reference with more than one reservation' AS invariant, ref AS subject
FROM stock_reservations GROUP BY ref
HAVING count(*) <> max(line) OR count(DISTINCT status) > 1 OR count(DISTINCT expires_at) > 1;

-- offers: usage never exceeds the global limit (also a CHECK), and equals the redemptions recorded
SELECT 'offer used count differs from its redemptions' AS invariant, o.id::text AS subject
FROM offers o LEFT JOIN (SELECT offer_id, count(*) AS n FROM offer_redemptions GROUP BY offer_id) r ON r.offer_id = o.id
WHERE o.used_count <> coalesce(r.n, 0);

-- catalog: the category tree has no loop (every category is reached from a root)
SELECT 'category not under a root (a loop)' AS invariant, c.id::text AS subject
FROM categories c
WHERE c.id NOT IN (
  WITH RECURSIVE tree(id) AS (
    SELECT id FROM categories WHERE parent_id IS NULL
    UNION SELECT k.id FROM categories k JOIN tree ON k.parent_id = tree.id
  ) SELECT id FROM tree);

-- catalog: a controlled product is always prescription-only
SELECT 'controlled product without prescription' AS invariant, id::text AS subject
FROM products WHERE controlled AND NOT rx_required;

-- search: the word index holds exactly the words of every active product (kept by triggers, migration 0005)
SELECT 'search word index differs from products' AS invariant, coalesce(e.id, x.product_id)::text AS subject
FROM (SELECT w.pos, w.word, p.id FROM products p CROSS JOIN LATERAL product_words_of(p.search_text) w WHERE p.active) e
FULL JOIN product_words x ON x.pos = e.pos AND x.word = e.word AND x.product_id = e.id
WHERE e.id IS NULL OR x.product_id IS NULL;

-- search: every indexed word is in the typo dictionary
SELECT 'indexed word missing from the dictionary' AS invariant, x.word AS subject
FROM product_words x WHERE NOT EXISTS (SELECT 1 FROM search_words s WHERE s.word = x.word);

-- payments: every journal entry's postings sum to zero per currency (also a deferred constraint trigger)
SELECT 'journal entry does not balance' AS invariant, entry_id::text || ' ' || currency AS subject
FROM postings GROUP BY entry_id, currency HAVING sum(amount_minor) <> 0;

-- payments: every journal entry moves money between two postings at least
SELECT 'journal entry with fewer than two postings' AS invariant, e.id::text AS subject
FROM journal_entries e LEFT JOIN postings p ON p.entry_id = e.id GROUP BY e.id HAVING count(p.id) < 2;

-- payments: every account's cached balance equals the sum of its postings, in the account's normal sense
SELECT 'ledger balance differs from its postings' AS invariant, a.code AS subject
FROM ledger_balances a
LEFT JOIN (SELECT account_id, sum(amount_minor) AS total FROM postings GROUP BY account_id) p ON p.account_id = a.account_id
WHERE a.balance_minor <> CASE a.normal_side WHEN 'debit' THEN coalesce(p.total, 0) ELSE -coalesce(p.total, 0) END;

-- payments: only house accounts that may go negative keep balance shards (migration 0016); the rest one row
SELECT 'balance shard on an account that may not go negative' AS invariant, a.code AS subject
FROM ledger_balance_shards s JOIN ledger_accounts a ON a.id = s.account_id
WHERE NOT a.may_go_negative OR a.kind IN ('wallet', 'points_wallet', 'doctor_payable');

-- payments: a wallet (or anything a person holds) is never below zero (also a CHECK)
SELECT 'negative balance on a held account' AS invariant, code AS subject
FROM ledger_accounts WHERE balance_minor < 0 AND (NOT may_go_negative OR kind IN ('wallet', 'points_wallet', 'doctor_payable'));

-- payments: a posting is in its account's currency (also the composite foreign key)
SELECT 'posting in another currency than its account' AS invariant, p.id::text AS subject
FROM postings p JOIN ledger_accounts a ON a.id = p.account_id WHERE p.currency <> a.currency;

-- payments: a paid card intent has exactly one intent:<id>:paid entry, debiting gateway clearing by its amount
-- and crediting its customer's wallet by it; an intent not paid has none
SELECT 'card intent paid without exactly its one paid entry' AS invariant, i.id::text AS subject
FROM payment_intents i
LEFT JOIN LATERAL (
  SELECT count(DISTINCT e.id) AS entries,
         coalesce(sum(p.amount_minor) FILTER (WHERE a.kind = 'gateway_clearing'), 0) AS clearing,
         coalesce(sum(-p.amount_minor) FILTER (WHERE a.code = 'wallet:' || i.customer_id), 0) AS wallet
  FROM journal_entries e JOIN postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id
  WHERE e.key = 'intent:' || i.id || ':paid'
) m ON true
WHERE (i.status = 'paid') <> (m.entries = 1)
   OR (i.status = 'paid' AND (m.clearing <> i.amount_minor OR m.wallet <> i.amount_minor));

-- payments: an intent:<id>:paid entry belongs to an intent
SELECT 'paid entry without its card intent' AS invariant, e.key AS subject
FROM journal_entries e
WHERE e.key LIKE 'intent:%:paid' AND NOT EXISTS (SELECT 1 FROM payment_intents i WHERE e.key = 'intent:' || i.id || ':paid');

-- payments: a card refund never exceeds what its intent was paid (with the refunds before it), and each has its
-- ledger entry crediting gateway clearing by its amount
SELECT 'card refunds beyond the card payment' AS invariant, i.id::text AS subject
FROM payment_intents i JOIN card_refunds r ON r.intent_id = i.id AND r.status <> 'failed'
GROUP BY i.id HAVING i.status <> 'paid' OR sum(r.amount_minor) > i.amount_minor;

SELECT 'card refund without its entry' AS invariant, r.id::text AS subject
FROM card_refunds r
LEFT JOIN LATERAL (
  SELECT coalesce(sum(-p.amount_minor), 0) AS credited
  FROM journal_entries e JOIN postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id
  WHERE e.key = r.key AND a.kind = 'gateway_clearing'
) m ON true
WHERE r.status <> 'failed' AND m.credited <> r.amount_minor;

-- payments: what the card entries put on gateway clearing is the paid intents minus the card refunds
SELECT 'gateway clearing differs from card payments minus card refunds' AS invariant, 'gateway_clearing' AS subject
FROM (
  SELECT coalesce(sum(p.amount_minor), 0) AS clearing
  FROM journal_entries e JOIN postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id
  WHERE e.ref_type = 'payment_intent' AND a.kind = 'gateway_clearing'
) c
WHERE c.clearing <> (SELECT coalesce(sum(amount_minor), 0) FROM payment_intents WHERE status = 'paid')
                  - (SELECT coalesce(sum(amount_minor), 0) FROM card_refunds WHERE status <> 'failed');

-- orders: total = subtotal − discount + delivery − the points' value (also a CHECK, migration 0014)
SELECT 'order total differs from its parts' AS invariant, id::text AS subject
FROM orders WHERE total_minor <> subtotal_minor - discount_minor + delivery_fee_minor - points_value_minor
  OR (points_redeemed = 0) <> (points_value_minor = 0);

-- orders: the goods of an order are the sum of its lines, and its discount the sum of theirs
SELECT 'order subtotal or discount differs from its lines' AS invariant, o.id::text AS subject
FROM orders o JOIN (SELECT order_id, sum(unit_price_minor * quantity) AS goods, sum(discount_minor) AS discount
  FROM order_lines GROUP BY order_id) l ON l.order_id = o.id
WHERE l.goods <> o.subtotal_minor OR l.discount <> o.discount_minor;

-- orders: what was refunded never exceeds what was captured, and nothing is captured beyond the order's total
-- (revenue's side of the entries keyed order:<id>:capture and order:<id>:refund)
SELECT 'order refunded more than captured, or captured more than its total' AS invariant, o.id::text AS subject
FROM orders o
LEFT JOIN LATERAL (
  SELECT coalesce(sum(-p.amount_minor) FILTER (WHERE e.key = 'order:' || o.id || ':capture'), 0) AS captured,
         coalesce(sum(p.amount_minor) FILTER (WHERE e.key LIKE 'order:' || o.id || ':refund%'), 0) AS refunded
  FROM journal_entries e JOIN postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id
  WHERE e.ref_type = 'order' AND e.ref_id = o.id AND a.kind IN ('revenue', 'refunds')
) m ON true
WHERE m.captured - m.refunded < 0 OR m.captured > o.total_minor;

-- orders: an order's refunded sum is its refunds' (order_refunds), each posted once under its own key for its amount
SELECT 'order refunded sum differs from its refunds' AS invariant, o.id::text AS subject
FROM orders o LEFT JOIN (SELECT order_id, sum(amount_minor) AS s FROM order_refunds GROUP BY order_id) r ON r.order_id = o.id
WHERE o.refunded_minor <> coalesce(r.s, 0);

SELECT 'refund without its ledger entry of its amount' AS invariant, r.id::text AS subject
FROM order_refunds r
LEFT JOIN journal_entries e ON e.key = 'order:' || r.order_id || ':refund:' || r.id
LEFT JOIN postings p ON p.entry_id = e.id AND p.amount_minor > 0
GROUP BY r.id, r.amount_minor HAVING coalesce(sum(p.amount_minor), 0) <> r.amount_minor;

-- orders: a line never comes back more often than it was sold, and what comes back is in quarantine, lot by lot
SELECT 'order line returned more than sold' AS invariant, l.order_id::text || ':' || l.line_no AS subject
FROM order_lines l JOIN order_refund_lines r ON r.order_id = l.order_id AND r.line_no = l.line_no
GROUP BY l.order_id, l.line_no, l.quantity HAVING sum(r.quantity) > l.quantity;

SELECT 'goods refunded differ from goods quarantined' AS invariant, o.id::text AS subject
FROM orders o
JOIN (SELECT l.order_id, sum(r.quantity) AS q FROM order_refund_lines r JOIN order_lines l
        ON l.order_id = r.order_id AND l.line_no = r.line_no GROUP BY l.order_id) back ON back.order_id = o.id
LEFT JOIN (SELECT reference, sum(quantity) AS q FROM stock_quarantine GROUP BY reference) q ON q.reference = o.reservation_ref
WHERE back.q <> coalesce(q.q, 0);

SELECT 'lot quarantined more than it sold to the reference' AS invariant, q.lot_id::text || ' ' || q.reference AS subject
FROM (SELECT lot_id, reference, sum(quantity) AS q FROM stock_quarantine GROUP BY lot_id, reference) q
LEFT JOIN (SELECT lot_id, ref, sum(quantity) AS q FROM stock_reservations WHERE status = 'committed' GROUP BY lot_id, ref) s
  ON s.lot_id = q.lot_id AND s.ref = q.reference
WHERE q.q > coalesce(s.q, 0);

-- payments: money held for an order waiting for its pharmacist is held once, and only while it waits: every hold
-- was either captured or released by the time the order left pending_verification
SELECT 'order payment hold not settled' AS invariant, o.id::text AS subject
FROM orders o
JOIN journal_entries h ON h.key = 'order:' || o.id || ':hold'
LEFT JOIN journal_entries c ON c.key IN ('order:' || o.id || ':capture', 'order:' || o.id || ':hold-release')
GROUP BY o.id, o.status
HAVING (o.status = 'pending_verification') <> (count(c.id) = 0) OR count(c.id) > 1;

-- loyalty: a customer's lots hold exactly their points wallet's balance (lots are where the points are)
SELECT 'points wallet differs from its lots' AS invariant, coalesce(a.code, 'points_wallet:' || l.customer_id) AS subject
FROM (SELECT code, owner_id, balance_minor FROM ledger_accounts WHERE kind = 'points_wallet') a
FULL JOIN (SELECT customer_id, sum(remaining) AS remaining FROM loyalty_lots GROUP BY customer_id) l
  ON l.customer_id = a.owner_id
WHERE coalesce(a.balance_minor, 0) <> coalesce(l.remaining, 0);

-- loyalty: a lot holds 0..its points (also a CHECK), and what it gave is what its uses say
SELECT 'loyalty lot remaining differs from its uses' AS invariant, l.id::text AS subject
FROM loyalty_lots l LEFT JOIN (SELECT lot_id, sum(points) AS used FROM loyalty_lot_uses GROUP BY lot_id) u ON u.lot_id = l.id
WHERE l.remaining < 0 OR l.remaining > l.points OR l.points - l.remaining <> coalesce(u.used, 0);

-- loyalty: the programme owes exactly the points its customers hold
SELECT 'loyalty liability differs from the points held' AS invariant, 'loyalty_liability' AS subject
FROM (SELECT coalesce(sum(balance_minor) FILTER (WHERE kind = 'loyalty_liability'), 0) AS owed,
             coalesce(sum(balance_minor) FILTER (WHERE kind = 'points_wallet'), 0) AS held FROM ledger_balances) s
WHERE s.owed <> s.held;

-- loyalty: the points an order spent are its redemption entry's, drawn from lots by exactly that much
SELECT 'order points differ from their redemption' AS invariant, o.id::text AS subject
FROM orders o
LEFT JOIN LATERAL (
  SELECT coalesce(sum(p.amount_minor), 0) AS posted
  FROM journal_entries e JOIN postings p ON p.entry_id = e.id JOIN ledger_accounts a ON a.id = p.account_id
  WHERE e.key = 'order:' || o.id || ':points:redeem' AND a.kind = 'points_wallet'
) r ON true
LEFT JOIN LATERAL (
  SELECT coalesce(sum(u.points), 0) AS drawn FROM loyalty_lot_uses u WHERE u.order_id = o.id AND u.kind = 'redeem'
) d ON true
WHERE r.posted <> o.points_redeemed OR d.drawn <> o.points_redeemed;

-- orders: each order's history starts with one first row (no from-state) in the state it was placed in
SELECT 'order history without exactly one first row' AS invariant, o.id::text AS subject
FROM orders o LEFT JOIN order_transitions t ON t.order_id = o.id AND t.from_status IS NULL
GROUP BY o.id HAVING count(t.id) <> 1;

-- providers: a practice profile belongs to a doctor account
SELECT 'doctor profile of a non-doctor account' AS invariant, p.user_id::text AS subject
FROM doctor_profiles p JOIN users u ON u.id = p.user_id WHERE u.type <> 'doctor';

-- providers: an approval is taken back by suspension and reactivation in their transaction, so an approved
-- profile (listed, bookable) always belongs to an active account
SELECT 'approved doctor profile on an account that is not active' AS invariant, p.user_id::text AS subject
FROM doctor_profiles p JOIN users u ON u.id = p.user_id WHERE p.approved_at IS NOT NULL AND u.status <> 'active';

-- appointments: no two active appointments of one doctor overlap, buffers included (the exclusion constraint);
-- a card booking held for its payment (pending_payment) holds the time like a booked one
SELECT 'overlapping active appointments of a doctor' AS invariant, a.id::text AS subject
FROM appointments a JOIN appointments b ON b.doctor_id = a.doctor_id AND b.id > a.id
WHERE a.status IN ('pending_payment', 'booked', 'checked_in', 'in_progress')
  AND b.status IN ('pending_payment', 'booked', 'checked_in', 'in_progress')
  AND a.starts_at < b.busy_until AND b.starts_at < a.busy_until;

-- appointments: a card booking past its hold is booked only once its card payment was paid
SELECT 'card appointment booked without a paid card payment' AS invariant, a.id::text AS subject
FROM appointments a
WHERE a.payment_method = 'card' AND a.fee_minor > 0 AND a.status IN ('booked', 'checked_in', 'in_progress', 'completed', 'no_show')
  AND NOT EXISTS (SELECT 1 FROM payment_intents i WHERE i.purpose = 'appointment' AND i.ref_id = a.id AND i.status = 'paid');

-- appointments: a cancellation never refunds more than the fee, and only a cancelled booking has a refund
SELECT 'appointment refund out of range' AS invariant, id::text AS subject
FROM appointments WHERE refunded_minor > fee_minor OR (refunded_minor > 0 AND status <> 'cancelled');

-- consultations: only the two participants write chat, and each attachment is a file its sender owns
SELECT 'consultation message by a non-participant or with a file of someone else' AS invariant, m.id::text AS subject
FROM consultation_messages m JOIN appointments a ON a.id = m.appointment_id
WHERE m.sender_id NOT IN (a.patient_id, a.doctor_id)
   OR EXISTS (SELECT 1 FROM unnest(m.file_ids) f(id) LEFT JOIN files x ON x.id = f.id
              WHERE x.id IS NULL OR x.owner_id <> m.sender_id);

-- consultations: the note is the appointment's doctor's; addenda correct a signed note, after its signature
SELECT 'consultation note of another doctor, or an addendum of an unsigned note' AS invariant, n.appointment_id::text AS subject
FROM consultation_notes n JOIN appointments a ON a.id = n.appointment_id
WHERE n.doctor_id <> a.doctor_id
   OR EXISTS (SELECT 1 FROM consultation_note_addenda d WHERE d.appointment_id = n.appointment_id
              AND (n.signed_at IS NULL OR d.signed_at < n.signed_at OR d.author_id <> a.doctor_id));

-- consultations: a rating is the patient's, of the appointment's doctor, once it was completed
SELECT 'consultation rating not of a completed appointment by its patient' AS invariant, r.appointment_id::text AS subject
FROM consultation_ratings r JOIN appointments a ON a.id = r.appointment_id
WHERE a.status <> 'completed' OR r.patient_id <> a.patient_id OR r.doctor_id <> a.doctor_id;

-- prescriptions: dispensed ≤ quantity × (1 + refills) on every line, and it is the sum of the line's dispensings
SELECT 'prescription line dispensed beyond quantity x (1 + refills) or unlike its dispensings' AS invariant, l.id::text AS subject
FROM prescription_lines l
WHERE l.dispensed > l.quantity * (1 + l.refills)
   OR l.dispensed <> (SELECT coalesce(sum(d.quantity), 0) FROM prescription_dispensings d WHERE d.line_id = l.id);

-- prescriptions: the signed body says what the row and its lines say (the signature itself is checked in
-- JavaScript by test/invariants.mjs and test/support/invariants.ts: PostgreSQL has no Ed25519)
SELECT 'prescription row disagrees with its signed body' AS invariant, p.id::text AS subject
FROM prescriptions p
WHERE p.signed_body::jsonb ->> 'id' IS DISTINCT FROM p.id::text
   OR p.signed_body::jsonb ->> 'code' IS DISTINCT FROM p.code
   OR p.signed_body::jsonb ->> 'patientId' IS DISTINCT FROM p.patient_id::text
   OR p.signed_body::jsonb -> 'doctor' ->> 'id' IS DISTINCT FROM p.doctor_id::text
   OR EXISTS (
     SELECT 1 FROM prescription_lines l
     WHERE l.prescription_id = p.id
       AND ((p.signed_body::jsonb -> 'lines' -> (l.line_no - 1) ->> 'quantity')::int IS DISTINCT FROM l.quantity
         OR (p.signed_body::jsonb -> 'lines' -> (l.line_no - 1) ->> 'refills')::int IS DISTINCT FROM l.refills));

-- support: a ticket links only to its customer's own order, appointment (as patient) and e-prescription (as
-- patient); a reply not from staff is the ticket's customer's; its status is the last step of its history
SELECT 'support ticket linked to another customer''s record, or written in by another customer' AS invariant, s.id::text AS subject
FROM support_tickets s
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.id = s.order_id AND o.customer_id <> s.customer_id)
   OR EXISTS (SELECT 1 FROM appointments a WHERE a.id = s.appointment_id AND a.patient_id <> s.customer_id)
   OR EXISTS (SELECT 1 FROM prescriptions p WHERE p.id = s.prescription_id AND p.patient_id <> s.customer_id)
   OR EXISTS (SELECT 1 FROM support_ticket_messages m WHERE m.ticket_id = s.id AND NOT m.from_staff AND m.author_id <> s.customer_id)
   OR s.status IS DISTINCT FROM (SELECT x.to_status FROM support_ticket_transitions x WHERE x.ticket_id = s.id ORDER BY x.id DESC LIMIT 1);
