import { describe, expect, it } from 'vitest';
import { searchTerms } from './search.rules.js';

describe('searchTerms', () => {
  it('normalises the query into prefix terms, all required', () => {
    expect(searchTerms('  Augmentin® 1g ')).toEqual({
      text: 'augmentin 1g',
      tokens: ['augmentin', '1g'],
      tsquery: 'augmentin:* & 1g:*',
      typo: true,
    });
  });

  it('folds Arabic variants and diacritics the way stored names are folded', () => {
    expect(searchTerms('أُوجمِنتين')?.text).toBe('اوجمنتين');
    expect(searchTerms('صيدلية')?.tsquery).toBe('صيدليه:*');
  });

  it('keeps only letters and digits (no tsquery operators reach the database) and at most 8 words', () => {
    expect(searchTerms("pan & !(x) | y:* <-> 'z'")?.tsquery).toBe('pan:* & x:* & y:* & z:*');
    expect(searchTerms('a b c d e f g h i j')?.tokens).toHaveLength(8);
  });

  it('leaves out typo matching for very short queries, and answers nothing for punctuation alone', () => {
    expect(searchTerms('aug')?.typo).toBe(false);
    expect(searchTerms('augm')?.typo).toBe(true);
    expect(searchTerms('?!.')).toBeUndefined();
  });
});
