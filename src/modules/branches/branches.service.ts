import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { CacheService } from '../../kernel/cache/index.js';
import { CLOCK, type Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors/index.js';
import { decodeCursor, encodeCursor, toPage, type Page } from '../../kernel/http/index.js';
import type {
  BranchView,
  CreateBranchBody,
  ListBranchesQuery,
  NearBranchView,
  UpdateBranchBody,
} from './branches.dto.js';
import { BranchesRepository, type BranchRow, type NearRow } from './branches.repository.js';
import { isOpenAt, type WeeklyHours } from './branches.rules.js';

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
const idCursor = z.tuple([z.uuid()]);
/** Distance key of the last row, its id, and whether rows at that same key may follow. */
const nearCursor = z.tuple([z.number().nonnegative(), z.uuid(), z.union([z.literal(0), z.literal(1)])]);

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

const byKeyThenId = (a: NearRow, b: NearRow) => a.key - b.key || (a.row.id < b.row.id ? -1 : 1);

@Injectable()
export class BranchesService {
  constructor(
    private readonly repo: BranchesRepository,
    private readonly cache: CacheService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(body: CreateBranchBody): Promise<BranchView> {
    const row = await this.repo.insert(body);
    await this.cache.del(cacheKey(row.id));
    return this.view(toRecord(row));
  }

  async update(id: string, body: UpdateBranchBody): Promise<BranchView> {
    const row = await this.repo.update(id, body);
    if (!row) throw branchNotFound();
    await this.cache.del(cacheKey(id));
    return this.view(toRecord(row));
  }

  /** The public view: an inactive branch is as absent as a missing one. */
  async get(id: string): Promise<BranchView> {
    const record = await this.find(id);
    if (!record || !record.active) throw branchNotFound();
    return this.view(record);
  }

  /** Any branch, active or not (other modules check `active` themselves). Cached on every node. */
  async find(id: string): Promise<BranchRecord | undefined> {
    return this.cache.getOrLoad(cacheKey(id), CACHE_TTL_SECONDS, async () => {
      const row = await this.repo.findById(id);
      return row ? toRecord(row) : undefined;
    });
  }

  isOpenNow(branch: Pick<BranchRecord, 'openingHours' | 'timeZone'>): boolean {
    return isOpenAt(branch.openingHours, branch.timeZone, this.clock.now());
  }

  async list(query: ListBranchesQuery): Promise<Page<NearBranchView>> {
    if (query.lat !== undefined && query.lng !== undefined) return this.nearest(query.lat, query.lng, query);
    const after = decodeCursor(query.cursor, idCursor);
    const rows = await this.repo.listActive(after?.[0], query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => [r.id],
      (r) => ({ ...this.view(toRecord(r)), distanceKm: null }),
    );
  }

  /**
   * Nearest first, keyset-paged on (distance key, id). The index orders by distance alone, so rows at the
   * same distance (branches sharing a building) come back in any order: where such a tie meets the end of
   * a page, the whole tie is read again by id, so no branch is skipped or repeated across pages.
   */
  private async nearest(lat: number, lng: number, query: ListBranchesQuery): Promise<Page<NearBranchView>> {
    const limit = query.limit;
    const cursor = decodeCursor(query.cursor, nearCursor);
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
    return {
      items: page.map((r) => ({ ...this.view(toRecord(r.row)), distanceKm: r.km })),
      nextCursor: more ? encodeCursor([last.key, last.row.id, rows[limit].key === last.key ? 1 : 0]) : null,
    };
  }

  private view(r: BranchRecord): BranchView {
    return { ...r, openNow: this.isOpenNow(r) };
  }
}
