/**
 * Inputs that break naive code: encodings, bidi and zero-width characters, NUL, emoji, injection and path
 * fragments, numbers at the edges. Kept short on purpose; fast-check combines and places them.
 */
export const NAUGHTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\r\n',
  // Arabic, Arabic-Indic digits, right-to-left and bidi controls.
  'صيدلية ميديور',
  '٠١٢٣٤٥٦٧٨٩',
  '+٢٠١٠٠١٢٣٤٥٦٧',
  'abc\u202Eevil.exe',
  '\u200F\u061C\u202B\u202A\u202C',
  '\u2066\u2067\u2068\u2069',
  // Zero-width and invisible characters.
  '\u200B\u200C\u200D\uFEFF',
  'admin\u200B@example.test',
  // NUL and other control characters.
  '\u0000',
  'a\u0000b',
  '\u0001\u001F\u007F\u0085',
  // Emoji, combining marks, lone surrogates, case-folding oddities.
  '👨‍👩‍👧‍👦🏥💊',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\uD800',
  '\uDFFF\uD800',
  'İſﬃß',
  // SQL fragments, LIKE wildcards, quotes.
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1) UNION SELECT password_hash FROM users --',
  '%',
  '_%\\',
  '"\\\'`',
  // Paths and URLs.
  '../../../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '/usr/src/app/node_modules/x',
  'C:\\Windows\\System32',
  'file:///etc/passwd',
  // Templates, markup, format strings, header injection.
  '{{7*7}}${7*7}',
  '<script>alert(1)</script>',
  '%s%s%s%n',
  'a\r\nSet-Cookie: x=1',
  // Words that are also JavaScript and JSON.
  '__proto__',
  'constructor',
  'toString',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x1F',
  '9007199254740993',
  ' 42 ',
];

/** Numbers at the edges of int32, safe integers and doubles. */
export const BOUNDARY_NUMBERS: readonly number[] = [
  0,
  -1,
  1.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 53,
  -(2 ** 53),
  1e308,
  -1e308,
  5e-324,
];

/** JSON number tokens JSON.stringify cannot produce (sent as raw JSON text). */
export const RAW_NUMBER_TOKENS: readonly string[] = [
  '1e309',
  '-1e309',
  '-0',
  '1E400',
  '123456789012345678901234567890',
];

/** Values of every JSON type, for wrong-type mutations. */
export const WRONG_TYPES: readonly unknown[] = [null, true, false, 0, -7.25, '', 'text', [], ['a', 1], {}, { a: 1 }];

/** Huge strings: under the JSON body limit, so they reach validation. */
export const HUGE_STRINGS: readonly string[] = ['a'.repeat(100_000), 'م'.repeat(30_000), '💊'.repeat(20_000)];

/**
 * Percent-encodings that do not decode, overlong UTF-8, an encoded slash. Dot segments (`.`, `..`, `%2e`)
 * are left out: URL parsers (and inject) resolve them, so they name another route rather than a bad input.
 */
export const RAW_URL_TEXTS = ['%', '%zz', '%E0%A4%A', '%C0%AF', '%FF%FE', '%u0041', '%00', '%2F', '%252F'];

/** Raw JSON members (JSON.stringify would drop a `__proto__` key): prototype pollution attempts. */
export const POISON = [
  '"__proto__":{"isAdmin":true}',
  '"constructor":{"prototype":{"isAdmin":true}}',
  '"nested":{"__proto__":{"roles":["admin"]}}',
  '"__proto__":null',
];

/** Content types a JSON route has no parser for, or a parser that is not JSON's; `null` sends none. */
export const CONTENT_TYPES = [
  null,
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data',
  'application/json; charset=utf-16',
  'application/jsonx',
  'text/csv',
  'APPLICATION/JSON',
  '',
];

/** Headers the server reads: broken tokens, odd language weights, request ids and idempotency keys. */
export const HEADERS: [string, string[]][] = [
  [
    'authorization',
    ['Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'Bearer a.b.c'],
  ],
  ['accept-language', ['ar', 'ar;q=abc, en;q=0', '*;q=0', ',,,;;;q=', 'x'.repeat(4000), 'ar-EG;q=1e309']],
  ['x-request-id', ['../../etc/passwd', 'a'.repeat(2000), "'; drop table users; --"]],
  ['idempotency-key', ['', 'k'.repeat(1000)]],
];

/** Strings that pass most validation and reach storage: each is tried in every field, before the random runs. */
export const SWEEP = [
  'a\u0000b',
  'x\uD800y',
  'rx\u202Efdp.exe',
  'صيدلية ميديور',
  "'; DROP TABLE users; --",
  '🏥💊',
  '\u200B',
  '../../etc/passwd',
];
