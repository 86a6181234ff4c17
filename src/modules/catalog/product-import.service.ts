import { Injectable, Logger } from '@nestjs/common';
import { parse, type Options } from 'csv-parse';
import type { UserActor } from '../../kernel/auth/index.js';
import { CacheService } from '../../kernel/cache/index.js';
import { AppError } from '../../kernel/errors/index.js';
import type { RequestMeta } from '../../kernel/http/index.js';
import { AuditService } from '../audit/index.js';
import { categoryLookup, readHeader, readRow, type ImportProduct } from './catalog.csv.js';
import type { ImportReport } from './catalog.dto.js';
import { dbRefusal } from '../../db/refusal.js';
import { CatalogRepository } from './catalog.repository.js';
import { productKey } from './products.service.js';

/** Rows per multi-row upsert: ~17 parameters each, far below PostgreSQL's 65,535 per statement. */
export const IMPORT_BATCH_ROWS = 1000;
const MAX_REPORTED = 1000;
const RETRIES_ON_DEADLOCK = 3;

const CSV_OPTIONS: Options = {
  bom: true,
  // Column counts are checked per row, so a short row is one rejected line rather than a failed file.
  relax_column_count: true,
  skip_empty_lines: true,
  max_record_size: 65_536,
};

const badFile = (code: string, message: string, errors: { field: string; code: string; message: string }[] = []) =>
  new AppError('validation', code, message, { errors });

/** A refusal that is about the row's data (class 22 data exception, class 23 integrity), not the database. */
const isRowRefusal = (err: unknown) => /^(22|23|21)/.test(dbRefusal(err)?.code ?? '');
const isDeadlock = (err: unknown) => ['40P01', '40001'].includes(dbRefusal(err)?.code ?? '');

function refusalReason(err: unknown): string {
  const refused = dbRefusal(err);
  if (refused?.code === '23503') return 'the category no longer exists';
  if (refused?.code === '23505') return 'the barcode conflicts with another product';
  if (refused?.code?.startsWith('23')) return `the row breaks a catalog rule (${refused.constraint ?? refused.code})`;
  return 'the row could not be stored';
}

interface Pending {
  line: number;
  product: ImportProduct;
}

/**
 * Bulk upsert by barcode. The file is read twice: first for its CSV structure alone (a broken quote makes
 * every later record boundary a guess, so such a file is refused before anything is written), then row by
 * row: each row is validated on its own and valid rows are written in batches of 1,000. A batch the
 * database still refuses is retried row by row, so one bad row is reported with its line and never takes
 * its neighbours down with it.
 */
@Injectable()
export class ProductImportService {
  private readonly logger = new Logger('ProductImport');

  constructor(
    private readonly repo: CatalogRepository,
    private readonly cache: CacheService,
    private readonly audit: AuditService,
  ) {}

  async import(actor: UserActor, file: Buffer, meta: RequestMeta): Promise<ImportReport> {
    const text = decodeUtf8(file);
    await checkStructure(text);
    const report: ImportReport = { created: 0, updated: 0, unchanged: 0, rejectedCount: 0, rejected: [] };
    const reject = (line: number, reason: string, barcode?: string) => {
      report.rejectedCount++;
      if (report.rejected.length < MAX_REPORTED) report.rejected.push({ line, reason, ...(barcode && { barcode }) });
    };
    const categories = categoryLookup(await this.repo.categoryNames());
    const seen = new Map<string, number>();
    let columns: ReturnType<typeof readHeader> | undefined;
    let width = 0;
    let batch: Pending[] = [];
    for await (const { record, info } of parse(text, { ...CSV_OPTIONS, info: true }) as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (!columns) {
        columns = readHeader(record);
        width = record.length;
        if ('problems' in columns)
          throw badFile(
            'catalog/import-bad-header',
            'The header row does not name the import columns',
            columns.problems,
          );
        continue;
      }
      if (!('columns' in columns)) continue;
      const line = info.lines;
      if (record.length !== width) {
        reject(line, `expected ${width} columns, found ${record.length}`);
        continue;
      }
      const row = readRow(record, columns.columns, categories);
      if ('reason' in row) {
        reject(line, row.reason, row.barcode);
        continue;
      }
      const earlier = seen.get(row.product.barcode);
      if (earlier !== undefined) {
        reject(line, `the barcode is already on line ${earlier} of this file`, row.product.barcode);
        continue;
      }
      seen.set(row.product.barcode, line);
      batch.push({ line, product: row.product });
      if (batch.length >= IMPORT_BATCH_ROWS) {
        await this.write(batch, report, reject);
        batch = [];
      }
    }
    if (!columns) throw badFile('catalog/import-empty', 'The file is empty');
    await this.write(batch, report, reject);
    await this.audit.record({
      actor,
      action: 'catalog.products_imported',
      subjectType: 'product',
      meta,
      details: { created: report.created, updated: report.updated, rejected: report.rejectedCount },
    });
    return report;
  }

  private async write(
    batch: Pending[],
    report: ImportReport,
    reject: (line: number, reason: string, barcode?: string) => void,
  ) {
    if (batch.length === 0) return;
    // One lock order for every writer: two imports touching the same barcodes cannot deadlock each other.
    batch.sort((a, b) => (a.product.barcode < b.product.barcode ? -1 : 1));
    const updated: string[] = [];
    const tally = (written: { id: string; inserted: boolean }[], rows: number) => {
      for (const w of written) {
        if (w.inserted) {
          report.created++;
        } else {
          report.updated++;
          updated.push(w.id);
        }
      }
      report.unchanged += rows - written.length;
    };
    try {
      tally(await this.upsert(batch.map((b) => b.product)), batch.length);
    } catch (err) {
      if (!isRowRefusal(err)) throw err;
      this.logger.debug(`batch refused (${dbRefusal(err)?.code}); retrying its ${batch.length} rows one by one`);
      for (const b of batch) {
        try {
          tally(await this.upsert([b.product]), 1);
        } catch (rowErr) {
          if (!isRowRefusal(rowErr)) throw rowErr;
          reject(b.line, refusalReason(rowErr), b.product.barcode);
        }
      }
    }
    // Only rows that existed can be in a cache; new ones get fresh ids.
    if (updated.length > 0) await this.cache.del(...updated.map(productKey));
  }

  private async upsert(rows: ImportProduct[]): Promise<{ id: string; inserted: boolean }[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.repo.upsertProducts(rows);
      } catch (err) {
        if (!isDeadlock(err) || attempt >= RETRIES_ON_DEADLOCK) throw err;
      }
    }
  }
}

function decodeUtf8(file: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    throw badFile('catalog/import-bad-encoding', 'The file is not UTF-8 text (save it as "CSV UTF-8")');
  }
}

/** The first pass: CSV structure only (quotes, record size), nothing kept. */
async function checkStructure(text: string): Promise<number> {
  try {
    let records = 0;
    for await (const record of parse(text, CSV_OPTIONS)) if (record) records++;
    return records;
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    throw badFile('catalog/import-malformed-csv', 'The file is not well-formed CSV; nothing was imported', [
      { field: `line ${e.lines ?? '?'}`, code: 'invalid_format', message: (e.code ?? 'CSV_ERROR').toLowerCase() },
    ]);
  }
}
