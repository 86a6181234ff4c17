import { normalizeSearch } from '../catalog/index.js';

/** How many matches are ranked per query of the catalog (see SearchRepository.ranked): its pages walk them. */
export const RANK_WINDOW = 100;
/**
 * The search box shows the first 10 of each section and has no further pages: its products are the best 10
 * of the 50 best matches, in stock first (ranking costs one stock lookup per match, half the query's time).
 */
export const SEARCH_BOX_WINDOW = 50;
/** Typo matching needs enough letters to mean something (and to keep the trigram lookups few). */
const TYPO_MIN_LENGTH = 4;
const MAX_TOKENS = 8;
/** The word index keeps the first 100 characters of a word (migration 0005). */
const MAX_WORD = 100;
/** Typos are corrected to at most this many dictionary words, the closest first. */
export const TYPO_WORDS = 5;

export interface SearchTerms {
  /** The normalised query (the form products' search_text is stored in). */
  text: string;
  /** Its words, at most 8, each a prefix of some word of a match. */
  tokens: string[];
  /** The word that finds candidates in the word index: the longest (the most selective, as a rule). */
  driver: string;
  /** The other words, checked on each candidate's search_text. */
  others: string[];
  /** Whether typo-tolerant matching applies (to the driver, when no word starts with it). */
  typo: boolean;
}

/** What a typed query searches for; undefined when nothing searchable is left (only punctuation). */
export function searchTerms(q: string): SearchTerms | undefined {
  const tokens = normalizeSearch(q).split(' ').filter(Boolean).slice(0, MAX_TOKENS);
  if (tokens.length === 0) return undefined;
  const at = tokens.reduce((best, t, i) => ([...t].length > [...tokens[best]].length ? i : best), 0);
  const driver = [...tokens[at]].slice(0, MAX_WORD).join('');
  return {
    text: tokens.join(' '),
    tokens,
    driver,
    others: tokens.filter((_, i) => i !== at),
    typo: [...driver].length >= TYPO_MIN_LENGTH,
  };
}

/**
 * The smallest string greater than every string that starts with `prefix`, in code point (C collation) order:
 * `word >= prefix and word < prefixEnd(prefix)` is the prefix as a btree range.
 */
export function prefixEnd(prefix: string): string {
  const chars = [...prefix];
  const last = chars.pop()!.codePointAt(0)! + 1;
  // Skip the surrogate block: those code points cannot occur in text.
  return chars.join('') + String.fromCodePoint(last >= 0xd800 && last <= 0xdfff ? 0xe000 : last);
}

export interface NamedBranch {
  id: string;
  nameEn: string;
  nameAr: string;
  address: string;
}

// The folded text of each branch set (the cached array of active branches), computed once per set.
const foldedSets = new WeakMap<readonly NamedBranch[], string[]>();

/**
 * Branches whose names (en, ar) or address contain every word, folded like product names (case, Arabic
 * letter variants, diacritics), by English name then id. Branches are few and held in memory: no query.
 */
export function branchesMatching<T extends NamedBranch>(set: readonly T[], tokens: string[], limit: number): T[] {
  let folded = foldedSets.get(set);
  if (!folded) {
    folded = set.map((b) => ` ${normalizeSearch(`${b.nameEn} ${b.nameAr} ${b.address}`)} `);
    foldedSets.set(set, folded);
  }
  const texts = folded;
  return set
    .filter((_, i) => tokens.every((t) => texts[i].includes(t)))
    .sort((a, b) => (a.nameEn < b.nameEn ? -1 : a.nameEn > b.nameEn ? 1 : a.id < b.id ? -1 : 1))
    .slice(0, limit);
}
