import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanFileName } from './files.rules.js';

const SEED = 20_240_611;
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/; // eslint-disable-line no-control-regex
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('cleanFileName', () => {
  it('leaves no control or bidi characters, no lone surrogates, at most 255 code points, and is idempotent', () => {
    const name = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.constantFrom('rx\u202Efdp.exe', 'scan\u0000.png', '\u200F\u200E', '../../etc/passwd', 'وصفة طبية.pdf'),
    );
    fc.assert(
      fc.property(name, (raw) => {
        const clean = cleanFileName(raw);
        if (clean === undefined) return;
        expect(clean).not.toMatch(UNSAFE);
        expect(clean).not.toMatch(LONE);
        expect([...clean].length).toBeLessThanOrEqual(255);
        expect(clean).toBe(clean.trim());
        expect(cleanFileName(clean)).toBe(clean);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('keeps ordinary names, Arabic included, and gives undefined when nothing is left', () => {
    expect(cleanFileName('وصفة طبية.pdf')).toBe('وصفة طبية.pdf');
    expect(cleanFileName('rx\u202Efdp.exe')).toBe('rxfdp.exe');
    expect(cleanFileName('\u0000\u202E ')).toBeUndefined();
    expect(cleanFileName(undefined)).toBeUndefined();
  });
});
