import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '../../config/index.js';
import type { DbOrTx } from '../../db/client.js';
import { CacheService } from '../../kernel/cache/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import type { Actor } from '../../kernel/auth/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AppError } from '../../kernel/errors/index.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  encodeCursor,
  toPage,
  type CursorValues,
  type Page,
} from '../../kernel/http/index.js';
import type {
  BranchView,
  CreateBranchBody,
  ListBranchesQuery,
  NearBranchView,
  UpdateBranchBody,
} from './branches.dto.js';
import { buildGeoIndex, nearestPage, type GeoIndex } from './branches.geo.js';
import { BranchesRepository, type BranchRow, type NearRow } from './branches.repository.js';
import { isOpenAt, type WeeklyHours } from './branches.rules.js';
import { AuditService } from '../audit/index.js';

/** A branch as other modules and the cache see it (JSON-safe: it round-trips through Redis). */
export interface BranchRecord {
  id: string;
  nameEn: string;
  nameAr: string;
  address: string;
  lat: number;
  lng: number;
  phone: string;
  timeZone: string;
  deliveryRadiusKm: number;
  openingHours: WeeklyHours[];
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

const CACHE_TTL_SECONDS = 300;
const cacheKey = (id: string) => `branch:${id}`;
/** Every active branch (BranchRecord[]), invalidated with any branch write. */
const ACTIVE_KEY = 'branches:active';
const idCursor = cursorShape(cursorField.id);
/** Distance key of the last row, its id, and whether rows at that same key may follow. */
// The key is a chord through the Earth in metres: never more than its diameter (about 12,756 km).
const nearCursor = cursorShape(cursorField.number(0, 13_000_000), cursorField.id, cursorField.flag);

export const branchNotFound = () => AppError.notFound('branches/not-found', 'The branch was not found');

const toRecord = (r: BranchRow): BranchRecord => ({
  id: r.id,
  nameEn: r.nameEn,
  nameAr: r.nameAr,
  address: r.address,
  lat: r.lat,
  lng: r.lng,
  phone: r.phone,
  timeZone: r.timeZone,
  deliveryRadiusKm: r.deliveryRadiusKm,
  openingHours: r.openingHours,
  active: r.active,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/**
 * The public view of a record, field by field: a spread (`{ ...r }`) of the records the cache hands out
 * (parsed from JSON) costs ~5 µs each in V8, a fifth of a nearest-first request's CPU.
 */
const toView = (r: BranchRecord, openNow: boolean, distanceKm: number | null): NearBranchView => ({
  id: r.id,
  nameEn: r.nameEn,
  nameAr: r.nameAr,
  address: r.address,
  lat: r.lat,
  lng: r.lng,
  phone: r.phone,
  timeZone: r.timeZone,
  deliveryRadiusKm: r.deliveryRadiusKm,
  openingHours: r.openingHours,
  active: r.active,
  openNow,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  distanceKm,
});

/** The fields of a request whose stored value changed, `{ field: { from, to } }` (values as JSON compares them). */
function changedFields(before: BranchRow, after: BranchRow, fields: (keyof BranchRow)[]) {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of fields)
    if (JSON.stringify(before[f]) !== JSON.stringify(after[f])) changes[f] = { from: before[f], to: after[f] };
  return changes;
}

const byKeyThenId = (a: NearRow, b: NearRow) => a.key - b.key || (a.row.id < b.row.id ? -1 : 1);

@Injectable()
export class BranchesService {
  constructor(
    private readonly repo: BranchesRepository,
    private readonly cache: CacheService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
    private readonly audit: AuditService,
  ) {}

  /**
   * The index of the active set last read from the cache. Not a cache of its own: it is rebuilt whenever
   * the cache hands out another array (after an invalidation, an expiry, or on every read while Redis is
   * down), so it is never older than the cached set it was built from.
   */
  private geo?: GeoIndex<BranchRecord>;

  /** Audited in the write's transaction: where a pharmacy operates (and delivers) is a licensed fact. */
  async create(actor: Actor, body: CreateBranchBody, meta?: RequestMeta): Promise<BranchView> {
    const row = await this.repo.transaction(async (tx) => {
      const created = await this.repo.insert(body, tx);
      await this.audit.record(
        { actor, action: 'branches.create', subjectType: 'branch', subjectId: created.id, meta, details: { ...body } },
        tx,
      );
      return created;
    });
    await this.cache.del(cacheKey(row.id), ACTIVE_KEY);
    return this.view(toRecord(row));
  }

  /** The audit row lists each field that changed, from and to (read under the row lock, so it is exact). */
  async update(actor: Actor, id: string, body: UpdateBranchBody, meta?: RequestMeta): Promise<BranchView> {
    const row = await this.repo.transaction(async (tx) => {
      const before = await this.repo.lockById(id, tx);
      if (!before) throw branchNotFound();
      const after = (await this.repo.update(id, body, tx))!;
      await this.audit.record(
        {
          actor,
          action: 'branches.update',
          subjectType: 'branch',
          subjectId: id,
          meta,
          details: { changes: changedFields(before, after, Object.keys(body) as (keyof BranchRow)[]) },
        },
        tx,
      );
      return after;
    });
    await this.cache.del(cacheKey(id), ACTIVE_KEY);
    return this.view(toRecord(row));
  }

  /** The public view: an inactive branch is as absent as a missing one. */
  async get(id: string): Promise<BranchView> {
    const record = await this.find(id);
    if (!record || !record.active) throw branchNotFound();
    return this.view(record);
  }

  /**
   * Any branch, read in the caller's transaction and held (share lock) until it ends: for a change that
   * relies on the branch (stock reserved at an active branch), so a deactivation cannot slip in between the
   * check and the commit. Not cached: a cached answer may be older than the transaction.
   */
  async findHeld(id: string, tx: DbOrTx): Promise<BranchRecord | undefined> {
    const row = await this.repo.findHeld(id, tx);
    return row ? toRecord(row) : undefined;
  }

  /** Any branch, active or not (other modules check `active` themselves). Cached on every node. */
  async find(id: string): Promise<BranchRecord | undefined> {
    return this.cache.getOrLoad(cacheKey(id), CACHE_TTL_SECONDS, async () => {
      const row = await this.repo.findById(id);
      return row ? toRecord(row) : undefined;
    });
  }

  /**
   * Every active branch, by id, cached on every node like `find` (and invalidated by every branch write);
   * undefined when there are more than BRANCHES_IN_MEMORY_MAX (then callers query the database instead, and
   * only that verdict is cached). The array is shared by all callers until the cache lets it go: read it,
   * never change it.
   */
  async activeRecords(): Promise<BranchRecord[] | undefined> {
    const max = this.config.branches.inMemoryMax;
    if (max === 0) return undefined;
    // One read of at most max + 1 rows tells both whether the set fits and what it is.
    const set = await this.cache.getOrLoad(ACTIVE_KEY, CACHE_TTL_SECONDS, async () => {
      const rows = await this.repo.allActive(max + 1);
      return rows.length > max ? null : rows.map(toRecord);
    });
    return set ?? undefined;
  }

  isOpenNow(branch: Pick<BranchRecord, 'openingHours' | 'timeZone'>): boolean {
    return isOpenAt(branch.openingHours, branch.timeZone, this.clock.now());
  }

  async list(query: ListBranchesQuery): Promise<Page<NearBranchView>> {
    if (query.lat !== undefined && query.lng !== undefined) return this.nearest(query.lat, query.lng, query);
    const after = decodeCursor(query.cursor, idCursor);
    const rows = await this.repo.listActive(after?.[0], query.limit + 1);
    const view = this.listView();
    return toPage(
      rows,
      query.limit,
      (r) => [r.id],
      (r) => view(toRecord(r), null),
    );
  }

  /** Views for one list, all at one instant (wallClock reads each zone's clock once a minute). */
  private listView(): (r: BranchRecord, distanceKm: number | null) => NearBranchView {
    const now = this.clock.now();
    return (r, distanceKm) => toView(r, isOpenAt(r.openingHours, r.timeZone, now), distanceKm);
  }

  /**
   * Nearest first, keyset-paged on (distance key, id): from the in-process index of the active set while it
   * is small enough (no database round trip), from the GiST index past that. Both measure, order and page
   * alike (branches.geo.ts) and share the cursor format; only a cursor carried across a switch of path (the
   * set crossing the limit mid-walk) may repeat or skip a tie at the page edge, as the JS and PostgreSQL
   * sin/cos can differ in the last bit of the key.
   */
  private async nearest(lat: number, lng: number, query: ListBranchesQuery): Promise<Page<NearBranchView>> {
    const cursor = decodeCursor(query.cursor, nearCursor);
    const index = await this.geoIndex();
    if (!index) return this.nearestBySql(lat, lng, cursor, query.limit);
    const after = cursor && { key: cursor[0], id: cursor[1], ties: cursor[2] === 1 };
    const page = nearestPage(index, { lat, lng }, after, query.limit);
    const view = this.listView();
    return {
      items: page.items.map((n) => view(n.item, n.km)),
      nextCursor: page.next ? encodeCursor([page.next.key, page.next.id, page.next.ties ? 1 : 0]) : null,
    };
  }

  /** The index of the active set, or undefined when the set is larger than configured for memory. */
  private async geoIndex(): Promise<GeoIndex<BranchRecord> | undefined> {
    const active = await this.activeRecords();
    if (!active) return undefined;
    if (this.geo?.items !== active) this.geo = buildGeoIndex(active);
    return this.geo;
  }

  /**
   * The GiST index orders by distance alone, so rows at the same distance (branches sharing a building)
   * come back in any order: where such a tie meets the end of a page, the whole tie is read again by id,
   * so no branch is skipped or repeated across pages.
   */
  private async nearestBySql(
    lat: number,
    lng: number,
    cursor: CursorValues<typeof nearCursor> | undefined,
    limit: number,
  ): Promise<Page<NearBranchView>> {
    const tiesAfterCursor = async (key: number) =>
      (await this.repo.atKey(lat, lng, key)).filter((r) => !cursor || key !== cursor[0] || r.row.id > cursor[1]);
    const head = cursor?.[2] === 1 ? await tiesAfterCursor(cursor[0]) : [];
    let rows = [...head, ...(await this.repo.nearest(lat, lng, cursor?.[0], limit + 1)).sort(byKeyThenId)];
    if (rows.length > limit && rows[limit].key === rows[limit - 1].key) {
      const boundary = rows[limit - 1].key;
      const ties = await tiesAfterCursor(boundary);
      rows = [...rows.filter((r) => r.key < boundary), ...ties, ...rows.filter((r) => r.key > boundary)];
    }
    const page = rows.slice(0, limit);
    const more = rows.length > limit;
    const last = page[page.length - 1];
    const view = this.listView();
    return {
      items: page.map((r) => view(toRecord(r.row), r.km)),
      nextCursor: more ? encodeCursor([last.key, last.row.id, rows[limit].key === last.key ? 1 : 0]) : null,
    };
  }

  private view(r: BranchRecord): BranchView {
    return { ...r, openNow: this.isOpenNow(r) };
  }
}
