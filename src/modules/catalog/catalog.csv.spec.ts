import { describe, expect, it } from 'vitest';
import { categoryLookup, readHeader, readRow, REQUIRED_COLUMNS, type ColumnIndex } from './catalog.csv.js';

const CAT = '01900000-0000-7000-8000-000000000001';
const OTHER = '01900000-0000-7000-8000-000000000002';
const lookup = categoryLookup([
  { id: CAT, nameEn: 'Antibiotics', nameAr: 'المضادات الحيوية' },
  { id: OTHER, nameEn: 'Children', nameAr: 'أطفال' },
  { id: '01900000-0000-7000-8000-000000000003', nameEn: 'children', nameAr: 'الأطفال' },
]);
const HEADER = [...REQUIRED_COLUMNS, 'category', 'active', 'images'];
const columns = (readHeader(HEADER) as { columns: ColumnIndex }).columns;
const row = (over: Partial<Record<(typeof HEADER)[number], string>> = {}) => {
  const values: Record<string, string> = {
    nameEn: 'Augmentin 1 g',
    nameAr: 'أوجمنتين',
    ingredients: 'Amoxicillin 875 mg; Clavulanic acid 125 mg',
    form: 'tablet',
    packSize: '14 tablets',
    manufacturer: 'GSK',
    barcode: '6221234567891',
    priceMinor: '12550',
    rxRequired: 'yes',
    controlled: '0',
    category: 'Antibiotics',
    active: '',
    images: '',
    ...over,
  };
  return HEADER.map((c) => values[c]);
};
const reason = (over: Parameters<typeof row>[0]) => (readRow(row(over), columns, lookup) as { reason: string }).reason;

describe('readHeader', () => {
  it('maps columns in any order and case', () => {
    const res = readHeader(['BARCODE', ...REQUIRED_COLUMNS.filter((c) => c !== 'barcode'), ' categoryId ']);
    expect(res).toMatchObject({ columns: { barcode: 0, categoryId: REQUIRED_COLUMNS.length } });
  });

  it('reports unknown, repeated and missing columns (a misspelt optional column is not ignored)', () => {
    expect(readHeader([...REQUIRED_COLUMNS, 'category', 'rxRequierd', 'form'])).toEqual({
      problems: [
        { field: 'columns.rxRequierd', code: 'unknown_field', message: 'is not an import column' },
        { field: 'columns.form', code: 'invalid_value', message: 'appears twice' },
      ],
    });
    const missing = readHeader(['nameEn']) as { problems: { field: string }[] };
    expect(missing.problems.map((p) => p.field)).toEqual([
      ...REQUIRED_COLUMNS.filter((c) => c !== 'nameEn').map((c) => `columns.${c}`),
      'columns.category',
    ]);
  });
});

describe('readRow', () => {
  it('turns a valid row into the product to upsert, with its derived search text and substitute key', () => {
    const res = readRow(row(), columns, lookup);
    expect(res).toEqual({
      product: {
        nameEn: 'Augmentin 1 g',
        nameAr: 'أوجمنتين',
        ingredients: [
          { name: 'Amoxicillin', strength: '875 mg' },
          { name: 'Clavulanic acid', strength: '125 mg' },
        ],
        ingredientsKey: 'amoxicillin 875mg|clavulanic acid 125mg',
        form: 'tablet',
        packSize: '14 tablets',
        manufacturer: 'GSK',
        barcode: '6221234567891',
        categoryId: CAT,
        priceMinor: 12550,
        rxRequired: true,
        controlled: false,
        active: true,
        images: [],
        searchText: 'augmentin 1 g اوجمنتين amoxicillin clavulanic acid gsk',
      },
    });
  });

  it('finds the category by Arabic name (variants folded) or by id', () => {
    expect(readRow(row({ category: 'المضادات الحيويه' }), columns, lookup)).toMatchObject({
      product: { categoryId: CAT },
    });
    expect(readRow(row({ category: OTHER.toUpperCase() }), columns, lookup)).toMatchObject({
      product: { categoryId: OTHER },
    });
    expect(reason({ category: 'Children' })).toBe('category name is ambiguous; give categoryId');
    expect(reason({ category: 'Nowhere' })).toBe('category does not name a category');
    expect(reason({ category: ' ' })).toBe('categoryId or category is required');
  });

  it('reads booleans, the optional active flag and image URLs', () => {
    expect(readRow(row({ rxRequired: 'TRUE', controlled: 'yes', active: 'no' }), columns, lookup)).toMatchObject({
      product: { rxRequired: true, controlled: true, active: false },
    });
    expect(
      readRow(row({ images: 'https://cdn.example.com/a.png; https://cdn.example.com/b.png' }), columns, lookup),
    ).toMatchObject({ product: { images: ['https://cdn.example.com/a.png', 'https://cdn.example.com/b.png'] } });
  });

  it('gives one reason per bad row, with the barcode when there is one', () => {
    expect(readRow(row({ barcode: '6221234567893' }), columns, lookup)).toEqual({
      barcode: '6221234567893',
      reason: 'barcode must be a GTIN of 8, 12, 13 or 14 digits with a correct check digit',
    });
    expect(readRow(row({ barcode: '' }), columns, lookup)).not.toHaveProperty('barcode');
    expect(reason({ priceMinor: '12.50' })).toContain('priceMinor');
    expect(reason({ priceMinor: '-1' })).toContain('priceMinor');
    expect(reason({ priceMinor: '99999999999' })).toContain('priceMinor');
    expect(reason({ rxRequired: '' })).toBe('rxRequired must be true or false');
    expect(reason({ controlled: 'true', rxRequired: 'false' })).toBe(
      'a controlled product must also require a prescription',
    );
    expect(reason({ nameAr: '  ' })).toBe('nameAr is required');
    expect(reason({ form: 'x'.repeat(61) })).toBe('form is longer than 60 characters');
    expect(reason({ ingredients: 'Paracetamol' })).toContain('no strength');
    expect(reason({ images: 'http://insecure.example/a.png' })).toBe('images must be https URLs separated by ";"');
    expect(reason({ manufacturer: 'G\u0000SK' })).toBe('the row contains a NUL character');
  });
});
