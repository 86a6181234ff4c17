import { Inject, Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { DB, type Db } from '../../db/client.js';
import { files } from './files.tables.js';

export type FileRow = typeof files.$inferSelect;

@Injectable()
export class FilesRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async insert(row: typeof files.$inferInsert): Promise<FileRow> {
    const [created] = await this.db.insert(files).values(row).returning();
    return created;
  }

  async findById(id: string): Promise<FileRow | undefined> {
    const [row] = await this.db.select().from(files).where(eq(files.id, id));
    return row;
  }
}
