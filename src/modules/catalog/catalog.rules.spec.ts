import { describe, expect, it } from 'vitest';
import { controlledWithoutRx, createsCycle, gtinCheckDigit, isValidGtin, parseIngredients } from './catalog.rules.js';

describe('isValidGtin', () => {
  it('accepts GTIN-8, -12, -13 and -14 with a correct check digit', () => {
    for (const code of ['96385074', '036000291452', '6221234567891', '5000112637922', '10614141000415'])
      expect(isValidGtin(code), code).toBe(true);
  });

  it('refuses a wrong check digit, swapped neighbours, other lengths and anything but digits', () => {
    for (const code of ['6221234567893', '6221234567819', '1234567', '123456789', '12345678901', '123456789012345'])
      expect(isValidGtin(code), code).toBe(false);
    for (const code of ['', ' 6221234567891', '622123456789X', '٦٢٢١٢٣٤٥٦٧٨٩١', '6221234567891\n'])
      expect(isValidGtin(code), JSON.stringify(code)).toBe(false);
  });

  it('agrees with gtinCheckDigit for every length, and catches every single-digit change', () => {
    for (const body of ['9638507', '03600029145', '622123456789', '1061414100041']) {
      const code = body + gtinCheckDigit(body);
      expect(isValidGtin(code), code).toBe(true);
      for (let i = 0; i < code.length; i++) {
        const d = Number(code[i]);
        const changed = code.slice(0, i) + String((d + 1) % 10) + code.slice(i + 1);
        expect(isValidGtin(changed), changed).toBe(false);
      }
    }
  });
});

describe('parseIngredients', () => {
  it('reads "name strength; name strength", strengths starting at the first word with a digit', () => {
    expect(parseIngredients('Amoxicillin 875 mg; Clavulanic acid 125 mg')).toEqual([
      { name: 'Amoxicillin', strength: '875 mg' },
      { name: 'Clavulanic acid', strength: '125 mg' },
    ]);
    expect(parseIngredients('  Vitamin D3   1000 IU ;')).toEqual([{ name: 'Vitamin D3', strength: '1000 IU' }]);
    expect(parseIngredients('باراسيتامول ٥٠٠ مجم')).toEqual([{ name: 'باراسيتامول', strength: '٥٠٠ مجم' }]);
    expect(parseIngredients('Amoxicillin 250 mg/5 ml')).toEqual([{ name: 'Amoxicillin', strength: '250 mg/5 ml' }]);
  });

  it('says what is wrong otherwise', () => {
    expect(parseIngredients(' ; ')).toEqual({ error: 'ingredients are required' });
    expect(parseIngredients('Paracetamol')).toEqual({
      error: 'ingredient "Paracetamol" has no strength (e.g. "Paracetamol 500 mg")',
    });
    expect(parseIngredients(Array.from({ length: 21 }, (_, i) => `X${i} 1 mg`).join(';'))).toEqual({
      error: 'at most 20 ingredients',
    });
    expect(parseIngredients(`${'x'.repeat(121)} 1 mg`)).toHaveProperty('error');
  });
});

describe('category moves and flags', () => {
  it('detects a move under itself or anything below it', () => {
    expect(createsCycle('a', 'a', [])).toBe(true);
    expect(createsCycle('a', 'c', ['b', 'a'])).toBe(true);
    expect(createsCycle('a', 'x', ['y', 'root'])).toBe(false);
  });

  it('refuses a controlled product that would be sold without a prescription', () => {
    expect(controlledWithoutRx(false, true)).toBe(true);
    expect(controlledWithoutRx(true, true)).toBe(false);
    expect(controlledWithoutRx(false, false)).toBe(false);
  });
});
