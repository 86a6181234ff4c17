import { normalizeSearch } from '../catalog/index.js';

/** How many matches are ranked per query (see SearchRepository.ranked). */
export const RANK_WINDOW = 200;
/** Typo matching needs enough letters to mean something (and to keep the trigram index scan small). */
const TYPO_MIN_LENGTH = 4;
const MAX_TOKENS = 8;

export interface SearchTerms {
  /** The normalised query (the form products' search_text is stored in). */
  text: string;
  /** Its words, at most 8; the first ranks matches by where it occurs. */
  tokens: string[];
  /** Every word as a prefix, all required: `aug:* & 625:*`. Words hold only letters and digits. */
  tsquery: string;
  /** Whether typo-tolerant (trigram) matching applies. */
  typo: boolean;
}

/** What a typed query searches for; undefined when nothing searchable is left (only punctuation). */
export function searchTerms(q: string): SearchTerms | undefined {
  const tokens = normalizeSearch(q).split(' ').filter(Boolean).slice(0, MAX_TOKENS);
  if (tokens.length === 0) return undefined;
  const text = tokens.join(' ');
  return {
    text,
    tokens,
    tsquery: tokens.map((t) => `${t}:*`).join(' & '),
    typo: text.length >= TYPO_MIN_LENGTH,
  };
}
