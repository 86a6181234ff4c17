import { bigint, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, pk } from '../../db/columns.js';

export const files = pgTable(
  'files',
  {
    id: pk(),
    ownerId: uuid('owner_id').notNull(),
    purpose: text('purpose').notNull(),
    storageKey: text('storage_key').notNull().unique(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    originalName: text('original_name'),
    createdAt: createdAt(),
  },
  (t) => [index('files_owner_idx').on(t.ownerId, t.id)],
);
