import { Injectable } from '@nestjs/common';
import type { UserActor } from '../../kernel/auth/index.js';
import { CacheService } from '../../kernel/cache/index.js';
import { AppError } from '../../kernel/errors/index.js';
import {
  cursorField,
  cursorShape,
  decodeCursor,
  toPage,
  type Page,
  type RequestMeta,
} from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import type {
  CategoriesQuery,
  CategoryListItem,
  CategoryView,
  CreateCategoryBody,
  UpdateCategoryBody,
} from './catalog.dto.js';
import { CatalogRepository, type CategoryRow } from './catalog.repository.js';
import { createsCycle } from './catalog.rules.js';

export const CATEGORY_TREE_KEY = 'catalog:categories';
const TREE_TTL_SECONDS = 300;
// Depth is capped at 1000 by the tree query (CatalogRepository.categoryTree).
const treeCursor = cursorShape(cursorField.int(0, 1000), cursorField.id);

const notFound = () => AppError.notFound('catalog/category-not-found', 'The category was not found');
const parentNotFound = () =>
  new AppError('validation', 'catalog/parent-not-found', 'The parent category does not exist', {
    errors: [{ field: 'parentId', code: 'not_found', message: 'does not name a category' }],
  });

const view = (c: CategoryRow): CategoryView => ({
  id: c.id,
  parentId: c.parentId,
  nameEn: c.nameEn,
  nameAr: c.nameAr,
});

@Injectable()
export class CategoriesService {
  constructor(
    private readonly repo: CatalogRepository,
    private readonly cache: CacheService,
    private readonly audit: AuditService,
  ) {}

  /** The whole tree is one cached value (categories are few); pages are keyset slices of it by (depth, id). */
  async list(query: CategoriesQuery): Promise<Page<CategoryListItem>> {
    const after = decodeCursor(query.cursor, treeCursor);
    const tree = await this.cache.getOrLoad(CATEGORY_TREE_KEY, TREE_TTL_SECONDS, () => this.repo.categoryTree());
    const start = after ? tree.findIndex((c) => c.depth > after[0] || (c.depth === after[0] && c.id > after[1])) : 0;
    const rows = start < 0 ? [] : tree.slice(start, start + query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (c) => [c.depth, c.id],
      (c) => c,
    );
  }

  async create(actor: UserActor, body: CreateCategoryBody, meta: RequestMeta): Promise<CategoryView> {
    const created = await this.repo.transaction(async (tx) => {
      if (body.parentId && !(await this.repo.findCategory(body.parentId, tx))) throw parentNotFound();
      const row = await this.repo.insertCategory(
        { nameEn: body.nameEn, nameAr: body.nameAr, parentId: body.parentId ?? null },
        tx,
      );
      await this.audit.record(
        { actor, action: 'catalog.category_created', subjectType: 'category', subjectId: row.id, meta },
        tx,
      );
      return row;
    });
    await this.cache.del(CATEGORY_TREE_KEY);
    return view(created);
  }

  /**
   * Renames and moves. Moves take the tree lock first: two concurrent moves (A under B, B under A) would
   * each pass the cycle check alone and close a loop together.
   */
  async update(actor: UserActor, id: string, body: UpdateCategoryBody, meta: RequestMeta): Promise<CategoryView> {
    const updated = await this.repo.transaction(async (tx) => {
      if (body.parentId !== undefined) await this.repo.lockCategoryTree(tx);
      const current = await this.repo.findCategory(id, tx);
      if (!current) throw notFound();
      if (body.parentId) {
        if (!(await this.repo.findCategory(body.parentId, tx))) throw parentNotFound();
        if (createsCycle(id, body.parentId, await this.repo.ancestorIds(body.parentId, tx)))
          throw AppError.conflict(
            'catalog/category-cycle',
            'A category cannot be moved under itself or its own subtree',
          );
      }
      const row = await this.repo.updateCategory(
        id,
        { nameEn: body.nameEn, nameAr: body.nameAr, parentId: body.parentId },
        tx,
      );
      await this.audit.record(
        {
          actor,
          action: 'catalog.category_updated',
          subjectType: 'category',
          subjectId: id,
          meta,
          details: { fields: Object.keys(body), parentBefore: current.parentId },
        },
        tx,
      );
      return row!;
    });
    await this.cache.del(CATEGORY_TREE_KEY);
    return view(updated);
  }
}
