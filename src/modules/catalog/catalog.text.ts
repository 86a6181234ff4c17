import type { Ingredient } from './catalog.tables.js';

const ARABIC_DIACRITICS = /[\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g; // tashkeel, superscript alef, tatweel

/**
 * One normal form for stored names and typed queries, so "أوجمنتين", "اوجمنتين" and "Augmentin" variants
 * meet: lower case, Latin accents and Arabic diacritics removed, alef/ya/ta-marbuta variants folded,
 * punctuation to spaces, Arabic-Indic digits to ASCII.
 */
export function normalizeSearch(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(ARABIC_DIACRITICS, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ي')
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The text a product is found by: both names, its ingredients and its manufacturer. */
export function searchTextOf(p: {
  nameEn: string;
  nameAr: string;
  ingredients: Ingredient[];
  manufacturer: string;
}): string {
  return normalizeSearch([p.nameEn, p.nameAr, ...p.ingredients.map((i) => i.name), p.manufacturer].join(' '));
}

/** Products with equal keys (and equal form) are generic substitutes: same ingredients at the same strengths. */
export function ingredientsKeyOf(ingredients: Ingredient[]): string {
  return ingredients
    .map((i) => `${normalizeSearch(i.name)} ${normalizeSearch(i.strength).replace(/\s+/g, '')}`)
    .sort()
    .join('|');
}
