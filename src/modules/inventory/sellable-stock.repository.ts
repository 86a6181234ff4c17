import { sql, type AnyColumn, type SQL, type SQLWrapper } from 'drizzle-orm';
import { branches } from '../../db/schema.js';

/** The columns of a stock_lots row (the table, or an alias of it such as `alias(stockLots, 'l')`). */
export interface LotColumns {
  expiresOn: AnyColumn;
  onHand: AnyColumn;
  reserved: AnyColumn;
  branchId: AnyColumn;
}

/**
 * The sellable-stock predicate, defined once for every query that counts, lists, ranks or locks stock
 * (availability, a branch's sellable units, reservations, search's "in stock", substitutes nearby): the
 * lot expires strictly after `cutoff` (today + STOCK_EXPIRY_MARGIN_DAYS, see inventory.rules
 * sellableCutoff: never sell an expired lot nor one expiring within the margin), it has units nobody
 * reserved, and its branch is active. `branch`: the branches row the query already joins on the lot's
 * branch; without it the branch is looked up per lot (a scalar subquery: the planner then probes one
 * branch per lot found instead of hashing every branch).
 */
export function sellableLot(lot: LotColumns, cutoff: string | SQLWrapper, branch?: { active: AnyColumn }): SQL {
  const activeBranch = branch
    ? sql`${branch.active}`
    : sql`(select b.active from ${branches} b where b.id = ${lot.branchId})`;
  return sql`(${lot.expiresOn} > ${cutoff}::date and ${lot.onHand} > ${lot.reserved} and ${activeBranch})`;
}
