import type { Db, DbOrTx } from './client.js';

/**
 * One transaction story (rule 14). Every service method that changes state takes the caller's transaction
 * as an optional last parameter, `tx?: DbOrTx`, and runs its body through `withTx(db, tx, fn)`:
 *
 *   reserve(branchId, lines, ref, ttl?, actor?, tx?: DbOrTx) {
 *     return this.repo.transaction(async (t) => { ...every read that guards the change, then the writes }, tx);
 *   }
 *
 * Without `tx` the method is its own transaction; with one it joins the caller's, so a use case spanning
 * modules (checkout: stock, offers, ledger, outbox) commits or rolls back as one:
 *
 *   await db.transaction(async (tx) => {
 *     await inventory.reserve(branchId, lines, orderRef, undefined, actor, tx);
 *     await offers.redeem(offerId, customerId, orderRef, tx);
 *     await outbox.publish('orders.placed', payload, tx);
 *   });
 *
 * A joined method opens no savepoint: its failure is the caller's failure (let the error propagate; after a
 * database error PostgreSQL refuses every further statement of that transaction anyway). Work that must
 * survive a rollback (an access-denied audit row) is written outside `tx` on purpose.
 */
export function withTx<T>(db: Db, tx: DbOrTx | undefined, fn: (tx: DbOrTx) => Promise<T>): Promise<T> {
  return tx ? fn(tx) : db.transaction(fn);
}
