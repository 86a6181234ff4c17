import type { Ingredient, ProductRowInput } from './catalog.tables.js';
import { ingredientsKeyOf, normalizeSearch, searchTextOf } from './catalog.text.js';
import { controlledWithoutRx, isValidGtin, parseIngredients } from './catalog.rules.js';

/**
 * The import file: UTF-8 CSV (RFC 4180 quoting), comma-separated, one header row naming the columns
 * below in any order (case-insensitive). `categoryId` or `category` (a category's English or Arabic name,
 * or its id) must be present; `active` and `images` are optional. Booleans are true/false, yes/no or 1/0.
 */
export const REQUIRED_COLUMNS = [
  'nameEn',
  'nameAr',
  'ingredients',
  'form',
  'packSize',
  'manufacturer',
  'barcode',
  'priceMinor',
  'rxRequired',
  'controlled',
] as const;
export const OPTIONAL_COLUMNS = ['categoryId', 'category', 'active', 'images'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
export type ColumnIndex = Partial<Record<Column, number>>;

const KNOWN = new Map<string, Column>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].map((c) => [c.toLowerCase(), c]));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX = { name: 200, form: 60, packSize: 60, manufacturer: 120 } as const;

export interface HeaderProblem {
  field: string;
  code: 'unknown_field' | 'required' | 'invalid_value';
  message: string;
}

/** Where each column is, or what is wrong with the header (a misspelt optional column must not pass unseen). */
export function readHeader(header: readonly string[]): { columns: ColumnIndex } | { problems: HeaderProblem[] } {
  const columns: ColumnIndex = {};
  const problems: HeaderProblem[] = [];
  header.forEach((raw, i) => {
    const name = raw.trim().slice(0, 40);
    const col = KNOWN.get(name.toLowerCase());
    if (!col) problems.push({ field: `columns.${name}`, code: 'unknown_field', message: 'is not an import column' });
    else if (columns[col] !== undefined)
      problems.push({ field: `columns.${col}`, code: 'invalid_value', message: 'appears twice' });
    else columns[col] = i;
  });
  for (const col of REQUIRED_COLUMNS)
    if (columns[col] === undefined)
      problems.push({ field: `columns.${col}`, code: 'required', message: 'is required' });
  if (columns.categoryId === undefined && columns.category === undefined)
    problems.push({ field: 'columns.category', code: 'required', message: 'categoryId or category is required' });
  return problems.length > 0 ? { problems: problems.slice(0, 20) } : { columns };
}

/** Categories known to the import: ids, and normalised English/Arabic names (null: two share the name). */
export interface CategoryLookup {
  ids: ReadonlySet<string>;
  byName: ReadonlyMap<string, string | null>;
}

export function categoryLookup(rows: readonly { id: string; nameEn: string; nameAr: string }[]): CategoryLookup {
  const byName = new Map<string, string | null>();
  for (const c of rows) {
    for (const n of new Set([normalizeSearch(c.nameEn), normalizeSearch(c.nameAr)])) {
      if (!n) continue;
      byName.set(n, byName.has(n) && byName.get(n) !== c.id ? null : c.id);
    }
  }
  return { ids: new Set(rows.map((c) => c.id)), byName };
}

/** A validated import row, ready to upsert. */
export type ImportProduct = ProductRowInput;

export type RowResult = { product: ImportProduct } | { barcode?: string; reason: string };

class RowError extends Error {}
const fail = (reason: string): never => {
  throw new RowError(reason);
};

function bool(value: string, column: string, fallback?: boolean): boolean {
  const v = value.trim().toLowerCase();
  if (v === '' && fallback !== undefined) return fallback;
  if (v === 'true' || v === 'yes' || v === '1') return true;
  if (v === 'false' || v === 'no' || v === '0') return false;
  return fail(`${column} must be true or false`);
}

function text(value: string, column: string, max: number): string {
  const v = value.trim();
  if (v === '') return fail(`${column} is required`);
  if (v.length > max) return fail(`${column} is longer than ${max} characters`);
  return v;
}

function images(value: string): string[] {
  const urls = value
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  if (urls.length > 10) fail('at most 10 images');
  for (const u of urls) {
    let ok = false;
    try {
      ok = new URL(u).protocol === 'https:' && u.length <= 2048;
    } catch {
      ok = false;
    }
    if (!ok) fail('images must be https URLs separated by ";"');
  }
  return urls;
}

function category(cells: readonly string[], columns: ColumnIndex, categories: CategoryLookup): string {
  const id = columns.categoryId !== undefined ? (cells[columns.categoryId] ?? '').trim() : '';
  if (id) {
    if (!UUID.test(id) || !categories.ids.has(id.toLowerCase())) fail('categoryId does not name a category');
    return id.toLowerCase();
  }
  const given = columns.category !== undefined ? (cells[columns.category] ?? '').trim() : '';
  // The `category` column takes a name (English or Arabic) or an id.
  if (UUID.test(given) && categories.ids.has(given.toLowerCase())) return given.toLowerCase();
  const name = normalizeSearch(given);
  if (!name) return fail('categoryId or category is required');
  const found = categories.byName.get(name);
  if (found === undefined) fail('category does not name a category');
  if (found === null) fail('category name is ambiguous; give categoryId');
  return found!;
}

/** One data row → the product to upsert, or the reason it is rejected. Never throws. */
export function readRow(cells: readonly string[], columns: ColumnIndex, categories: CategoryLookup): RowResult {
  const cell = (c: Column) => {
    const i = columns[c];
    return i === undefined ? '' : (cells[i] ?? '');
  };
  const rawBarcode = cell('barcode').trim();
  const barcode = rawBarcode ? rawBarcode.slice(0, 64) : undefined;
  try {
    if (cells.some((c) => c.includes('\u0000'))) fail('the row contains a NUL character');
    if (!isValidGtin(rawBarcode)) fail('barcode must be a GTIN of 8, 12, 13 or 14 digits with a correct check digit');
    const parsed = parseIngredients(cell('ingredients'));
    if ('error' in parsed) fail(parsed.error);
    const ingredients = parsed as Ingredient[];
    const priceText = cell('priceMinor').trim();
    if (!/^\d{1,10}$/.test(priceText) || Number(priceText) > 2_147_483_647)
      fail('priceMinor must be a whole number of minor units (e.g. 4550 for 45.50)');
    const rxRequired = bool(cell('rxRequired'), 'rxRequired');
    const controlled = bool(cell('controlled'), 'controlled');
    if (controlledWithoutRx(rxRequired, controlled)) fail('a controlled product must also require a prescription');
    const p = {
      nameEn: text(cell('nameEn'), 'nameEn', MAX.name),
      nameAr: text(cell('nameAr'), 'nameAr', MAX.name),
      ingredients,
      form: text(cell('form'), 'form', MAX.form),
      packSize: text(cell('packSize'), 'packSize', MAX.packSize),
      manufacturer: text(cell('manufacturer'), 'manufacturer', MAX.manufacturer),
      barcode: rawBarcode,
      categoryId: category(cells, columns, categories),
      priceMinor: Number(priceText),
      rxRequired,
      controlled,
      active: bool(cell('active'), 'active', true),
      images: images(cell('images')),
    };
    return { product: { ...p, ingredientsKey: ingredientsKeyOf(ingredients), searchText: searchTextOf(p) } };
  } catch (err) {
    if (err instanceof RowError) return barcode ? { barcode, reason: err.message } : { reason: err.message };
    throw err;
  }
}
