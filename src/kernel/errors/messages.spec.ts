import { describe, expect, it } from 'vitest';
import { STATUS_BY_KIND, type ErrorKind } from './app-error.js';
import { declaredMessages } from './catalog.js';
import { TITLES, fieldMessage, pickLocale, translate } from './messages.js';

describe('pickLocale', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['ar', 'ar'],
    ['AR', 'ar'],
    ['ar-EG,en;q=0.8', 'ar'],
    ['en-US,en;q=0.9,ar;q=0.8', 'en'],
    ['fr', 'en'],
    ['fr-FR, ar;q=0.5', 'ar'],
    ['fr;q=1, en;q=0.3, ar;q=0.2', 'en'],
    ['*', 'en'],
    // Weights rank, not position.
    ['en;q=0.5, ar', 'ar'],
    ['en;q=0.2,ar;q=0.9', 'ar'],
    // q=0 means "not acceptable".
    ['ar;q=0, fr', 'en'],
    // Equal weights: the first listed wins.
    ['en, ar', 'en'],
    ['ar , en', 'ar'],
    // A malformed weight is ignored rather than trusted.
    ['ar;q=abc, en;q=0.1', 'en'],
  ])('%j → %s', (header, locale) => {
    expect(pickLocale(header)).toBe(locale);
  });
});

describe('translations', () => {
  it('has an English and Arabic title for every error kind', () => {
    for (const kind of Object.keys(STATUS_BY_KIND) as ErrorKind[]) {
      expect(TITLES[kind].en).toBeTruthy();
      expect(TITLES[kind].ar).toMatch(/[\u0600-\u06FF]/);
    }
  });

  it('has both languages for every message', () => {
    for (const [code, text] of declaredMessages()) {
      expect(code).toMatch(/^[a-z]+\/[a-z-]+$/);
      expect(text.en).toBeTruthy();
      expect(text.ar).toMatch(/[\u0600-\u06FF]/);
    }
  });

  it('translates known codes and falls back for unknown ones', () => {
    expect(translate('auth/forbidden', 'dev text', 'en')).toBe('You are not allowed to do this');
    expect(translate('auth/forbidden', 'dev text', 'ar')).toBe('غير مسموح لك بهذا الإجراء');
    expect(translate('nope/unknown', 'dev text', 'ar')).toBe('dev text');
    expect(fieldMessage('required', 'x', 'ar')).toBe('مطلوب');
    expect(fieldMessage('required', 'x', 'en')).toBe('is required');
    expect(fieldMessage('custom_code', 'custom text', 'ar')).toBe('custom text');
  });
});
