import { describe, expect, it } from 'vitest';
import { ingredientsKeyOf, normalizeSearch, searchTextOf } from './catalog.text.js';

describe('normalizeSearch', () => {
  it('folds Arabic letter variants and removes diacritics and tatweel', () => {
    expect(normalizeSearch('أُوجمِنتين')).toBe(normalizeSearch('اوجمنتين'));
    expect(normalizeSearch('إبوبروفين')).toBe('ابوبروفين');
    expect(normalizeSearch('مستشفى')).toBe('مستشفي');
    expect(normalizeSearch('صيدلية')).toBe('صيدليه');
    expect(normalizeSearch('دواء ـــ')).toBe('دواء');
  });

  it('lower-cases, strips Latin accents, turns punctuation to spaces and Arabic-Indic digits to ASCII', () => {
    expect(normalizeSearch('  Augmentin® 1g/5mL ')).toBe('augmentin 1g 5ml');
    expect(normalizeSearch('Crème')).toBe('creme');
    expect(normalizeSearch('٥٠٠ مجم')).toBe('500 مجم');
  });
});

describe('searchTextOf and ingredientsKeyOf', () => {
  it('joins names, ingredients and manufacturer', () => {
    expect(
      searchTextOf({
        nameEn: 'Panadol',
        nameAr: 'بنادول',
        ingredients: [{ name: 'Paracetamol', strength: '500 mg' }],
        manufacturer: 'GSK',
      }),
    ).toBe('panadol بنادول paracetamol gsk');
  });

  it('gives equal keys to the same ingredients at the same strengths, whatever the order or spacing', () => {
    const a = ingredientsKeyOf([
      { name: 'Amoxicillin', strength: '875 mg' },
      { name: 'Clavulanic acid', strength: '125mg' },
    ]);
    const b = ingredientsKeyOf([
      { name: 'clavulanic Acid', strength: '125 MG' },
      { name: 'AMOXICILLIN', strength: '875mg' },
    ]);
    expect(a).toBe(b);
    expect(ingredientsKeyOf([{ name: 'Amoxicillin', strength: '500 mg' }])).not.toBe(
      ingredientsKeyOf([{ name: 'Amoxicillin', strength: '875 mg' }]),
    );
  });
});
