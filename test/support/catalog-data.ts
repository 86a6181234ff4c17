import { gtinCheckDigit } from '../../src/modules/catalog/index.js';

/**
 * Realistic-looking generated products (English and Arabic names, generic ingredients with strengths,
 * manufacturers), deterministic for a seed: for the import test and for measuring search on large catalogs.
 */
const SYLLABLES: [string, string][] = [
  ['pa', 'با'],
  ['na', 'نا'],
  ['dol', 'دول'],
  ['au', 'او'],
  ['gmen', 'جمن'],
  ['tin', 'تين'],
  ['bru', 'برو'],
  ['fen', 'فين'],
  ['zi', 'زي'],
  ['tro', 'ترو'],
  ['max', 'ماكس'],
  ['cal', 'كال'],
  ['vo', 'فو'],
  ['lta', 'لتا'],
  ['ren', 'رين'],
  ['ki', 'كي'],
  ['so', 'سو'],
  ['mo', 'مو'],
  ['lex', 'ليكس'],
  ['ra', 'را'],
  ['di', 'دي'],
  ['ne', 'ني'],
  ['flu', 'فلو'],
  ['zo', 'زو'],
  ['cor', 'كور'],
  ['ta', 'تا'],
  ['mi', 'مي'],
  ['xa', 'كسا'],
  ['lo', 'لو'],
  ['pril', 'بريل'],
  ['sar', 'سار'],
  ['tan', 'تان'],
  ['vi', 'في'],
  ['el', 'ايل'],
  ['ro', 'رو'],
];
export const INGREDIENTS = [
  'Paracetamol',
  'Amoxicillin',
  'Clavulanic acid',
  'Ibuprofen',
  'Diclofenac',
  'Omeprazole',
  'Esomeprazole',
  'Metformin',
  'Atorvastatin',
  'Rosuvastatin',
  'Amlodipine',
  'Losartan',
  'Valsartan',
  'Bisoprolol',
  'Azithromycin',
  'Ciprofloxacin',
  'Levofloxacin',
  'Cetirizine',
  'Loratadine',
  'Montelukast',
  'Salbutamol',
  'Prednisolone',
  'Dexamethasone',
  'Insulin glargine',
  'Gliclazide',
  'Sitagliptin',
  'Levothyroxine',
  'Sertraline',
  'Escitalopram',
  'Alprazolam',
  'Tramadol',
  'Pregabalin',
  'Gabapentin',
  'Domperidone',
  'Metoclopramide',
  'Ranitidine',
  'Famotidine',
  'Vitamin D3',
  'Cyanocobalamin',
  'Folic acid',
  'Iron',
  'Zinc',
  'Calcium carbonate',
  'Magnesium',
  'Fluconazole',
  'Clotrimazole',
  'Acyclovir',
  'Oseltamivir',
  'Hydrochlorothiazide',
  'Furosemide',
  'Spironolactone',
  'Warfarin',
  'Clopidogrel',
  'Aspirin',
  'Tamsulosin',
  'Sildenafil',
  'Finasteride',
  'Mebeverine',
  'Loperamide',
  'Lactulose',
  'Simethicone',
  'Xylometazoline',
];
const STRENGTHS = [
  '5 mg',
  '10 mg',
  '20 mg',
  '25 mg',
  '40 mg',
  '50 mg',
  '100 mg',
  '125 mg',
  '250 mg',
  '500 mg',
  '875 mg',
  '1 g',
];
const FORMS = ['tablet', 'capsule', 'syrup', 'suspension', 'cream', 'injection', 'drops', 'sachet'];
const PACKS = ['10 tablets', '20 tablets', '30 capsules', '100 ml', '60 ml', '1 tube', '5 ampoules', '14 sachets'];
export const MANUFACTURERS = [
  'Pfizer',
  'GSK',
  'Novartis',
  'Sanofi',
  'Eva Pharma',
  'Pharco',
  'Amoun',
  'EIPICO',
  'Minapharm',
  'Hikma',
  'Julphar',
  'Sedico',
  'Memphis',
  'Kahira',
  'Global Napi',
  'Marcyrl',
  'Abbott',
  'AstraZeneca',
  'Bayer',
  'Roche',
];

/** Mulberry32: a small seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedProduct {
  nameEn: string;
  nameAr: string;
  ingredients: { name: string; strength: string }[];
  form: string;
  packSize: string;
  manufacturer: string;
  barcode: string;
  priceMinor: number;
  rxRequired: boolean;
  controlled: boolean;
}

/** The i-th product of a generated catalog: barcodes are unique per (prefix, i). */
export function* generateProducts(count: number, opts: { seed?: number; barcodePrefix?: string } = {}) {
  const next = rng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const prefix = opts.barcodePrefix ?? '62';
  for (let i = 0; i < count; i++) {
    const parts = Array.from({ length: 2 + Math.floor(next() * 2) }, () => pick(SYLLABLES));
    const brandEn = parts.map((p) => p[0]).join('');
    const brandAr = parts.map((p) => p[1]).join('');
    const n = next() < 0.3 ? 2 : 1;
    const ingredients = Array.from({ length: n }, () => ({ name: pick(INGREDIENTS), strength: pick(STRENGTHS) }));
    const strength = ingredients[0].strength;
    const body = `${prefix}${String(i).padStart(12 - prefix.length, '0')}`;
    const rx = next() < 0.4;
    yield {
      nameEn: `${brandEn[0].toUpperCase()}${brandEn.slice(1)} ${strength}`,
      nameAr: `${brandAr} ${strength.replace('mg', 'مجم').replace(' g', ' جم')}`,
      ingredients,
      form: pick(FORMS),
      packSize: pick(PACKS),
      manufacturer: pick(MANUFACTURERS),
      barcode: body + gtinCheckDigit(body),
      priceMinor: 500 + Math.floor(next() * 50_000),
      rxRequired: rx,
      controlled: rx && next() < 0.05,
    } satisfies GeneratedProduct;
  }
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export const CSV_HEADER =
  'nameEn,nameAr,ingredients,form,packSize,manufacturer,barcode,category,priceMinor,rxRequired,controlled';

/** One CSV line in the import format. */
export function csvLine(p: GeneratedProduct, category: string): string {
  return [
    p.nameEn,
    p.nameAr,
    p.ingredients.map((i) => `${i.name} ${i.strength}`).join('; '),
    p.form,
    p.packSize,
    p.manufacturer,
    p.barcode,
    category,
    String(p.priceMinor),
    String(p.rxRequired),
    String(p.controlled),
  ]
    .map(csvCell)
    .join(',');
}
