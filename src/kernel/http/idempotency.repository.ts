import { Inject, Injectable } from '@nestjs/common';
import { and, eq, isNull } from 'drizzle-orm';
import { DB, type Db } from '../../db/client.js';
import { idempotencyKeys } from './idempotency.tables.js';

export interface StoredKey {
  requestHash: string;
  statusCode: number | null;
  responseBody: unknown;
}

@Injectable()
export class IdempotencyRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  /** Claims the key; returns undefined when we claimed it, else what is stored for it. */
  async claim(scope: string, key: string, requestHash: string): Promise<StoredKey | undefined> {
    const inserted = await this.db
      .insert(idempotencyKeys)
      .values({ scope, key, requestHash })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (inserted.length > 0) return undefined;
    const [row] = await this.db
      .select({
        requestHash: idempotencyKeys.requestHash,
        statusCode: idempotencyKeys.statusCode,
        responseBody: idempotencyKeys.responseBody,
      })
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
    return row;
  }

  async complete(scope: string, key: string, statusCode: number, responseBody: unknown): Promise<void> {
    await this.db
      .update(idempotencyKeys)
      .set({ statusCode, responseBody: responseBody ?? null, completedAt: new Date() })
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key)));
  }

  async release(scope: string, key: string): Promise<void> {
    await this.db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.completedAt)));
  }
}
