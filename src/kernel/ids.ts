import { v7 } from 'uuid';

/** UUIDv7 generated in code: PostgreSQL 15 has no uuidv7() (rule 8). */
export const newId = (): string => v7();

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
