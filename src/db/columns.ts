import { timestamp, uuid } from 'drizzle-orm/pg-core';
import { newId } from '../kernel/ids.js';

export const pk = () =>
  uuid('id')
    .primaryKey()
    .$defaultFn(() => newId());
export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();
export const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true, mode: 'date' })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
export const tsz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
