import { describe, expect, it } from 'vitest';
import { branchesMatching, prefixEnd, searchTerms } from './search.rules.js';

describe('searchTerms', () => {
  it('normalises the query into words, all required; the longest finds the candidates', () => {
    expect(searchTerms('  Augmentin® 1g ')).toEqual({
      text: 'augmentin 1g',
      tokens: ['augmentin', '1g'],
      driver: 'augmentin',
      others: ['1g'],
      typo: true,
    });
    expect(searchTerms('625 aug')).toMatchObject({ driver: '625', others: ['aug'] });
    expect(searchTerms('x 625 mg')).toMatchObject({ driver: '625', others: ['x', 'mg'] });
  });

  it('folds Arabic variants and diacritics the way stored names are folded', () => {
    expect(searchTerms('أُوجمِنتين')?.text).toBe('اوجمنتين');
    expect(searchTerms('صيدلية')?.driver).toBe('صيدليه');
  });

  it('keeps only letters and digits and at most 8 words; a word is cut to the 100 characters the index keeps', () => {
    expect(searchTerms("pan & !(x) | y:* <-> 'z'")?.tokens).toEqual(['pan', 'x', 'y', 'z']);
    expect(searchTerms('a b c d e f g h i j')?.tokens).toHaveLength(8);
    expect(searchTerms('é'.repeat(300))?.driver).toBe('e'.repeat(100));
  });

  it('leaves out typo matching for very short words, and answers nothing for punctuation alone', () => {
    expect(searchTerms('aug')?.typo).toBe(false);
    expect(searchTerms('augm')?.typo).toBe(true);
    expect(searchTerms('?!.')).toBeUndefined();
  });
});

describe('prefixEnd', () => {
  it('bounds every string with the prefix, in code point order', () => {
    expect(prefixEnd('aug')).toBe('auh');
    expect(prefixEnd('اوج')).toBe('اوح');
    for (const word of ['aug', 'augmentin', 'aug\u{10000}', 'augzzzz']) {
      expect(word >= 'aug' && word < prefixEnd('aug'), word).toBe(true);
    }
    expect('auh' < prefixEnd('aug')).toBe(false);
    expect(prefixEnd('a\u{d7ff}')).toBe('a\u{e000}');
  });
});

describe('branchesMatching', () => {
  const set = [
    { id: '2', nameEn: 'Medyour Zamalek', nameAr: 'صيدلية ميديور الزمالك', address: '26 July Street', x: 1 },
    { id: '1', nameEn: 'Medyour Zamalek', nameAr: 'صيدلية', address: 'Brazil Street', x: 2 },
    { id: '3', nameEn: 'Medyour Maadi', nameAr: 'صيدلية المعادي', address: 'Road 9', x: 3 },
  ];

  it('keeps branches holding every word anywhere in their names or address, by name then id', () => {
    expect(branchesMatching(set, ['zamal'], 10).map((b) => b.id)).toEqual(['1', '2']);
    expect(branchesMatching(set, ['zamalek', 'july'], 10).map((b) => b.id)).toEqual(['2']);
    expect(branchesMatching(set, ['medyour'], 2).map((b) => b.id)).toEqual(['3', '1']);
    expect(branchesMatching(set, ['nowhere'], 10)).toEqual([]);
  });

  it('folds Arabic the way queries are folded (ta marbuta, alef variants)', () => {
    expect(branchesMatching(set, searchTerms('صيدليّة المعادى')!.tokens, 10).map((b) => b.x)).toEqual([3]);
  });
});
