/**
 * fast-check arbitraries for "any value a field may hold": strings over every Unicode plane, lone
 * UTF-16 surrogates, control characters, 60 KB strings, and every JSON type built from them.
 */
import fc from 'fast-check';

/** Any UTF-16 code unit, so lone surrogates (which no UTF-8 text can hold) come up often. */
const codeUnit = fc.nat(0xffff).map((c) => String.fromCharCode(c));
const controlChar = fc.constantFrom('\u0000', '\u0001', '\u0008', '\u001b', '\u001f', '\u007f', '\u0085', '\u2028', '\u2029', '\ufeff', '\ufffe');

/** Strings known to have broken id building, key building or parsing somewhere. */
export const NOTORIOUS_STRINGS = [
  '',
  ' ',
  '\ud800',
  '\ud800x',
  '\udc00',
  'x\udbff',
  '\u0000',
  's\u0000:/%',
  '%',
  '%25',
  '%ZZ',
  ':',
  '/',
  '..',
  '#',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '123',
  '1e400',
  'null',
  '😀',
  '\u202e',
  'a'.repeat(257),
  'é'.repeat(200),
];

/** A long string, 1 KB to 60 KB of one character (ASCII, 2-byte, 4-byte or NUL). */
export const longString: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 1_000, max: 60 * 1024 }), fc.constantFrom('x', 'é', '😀', '\u0000'))
  .map(([bytes, c]) => c.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(c)))));

/** Any short string: every plane, lone surrogates, control characters, the notorious ones. */
export const shortString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 4, arbitrary: fc.string({ unit: codeUnit, maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: controlChar, minLength: 1, maxLength: 8 }) },
  { weight: 4, arbitrary: fc.constantFrom(...NOTORIOUS_STRINGS) },
);

/** Any string: short mostly, 1 in ~50 long (they cost the run most of its bytes). */
export const anyString: fc.Arbitrary<string> = fc.oneof({ weight: 50, arbitrary: shortString }, { weight: 1, arbitrary: longString });

/** Any JSON value: every type, strings from anyString, a few levels deep. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: shortString },
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(shortString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** The JSON text of an object whose own keys may include `__proto__` (JSON.stringify would hide it). */
export function objectText(value: Record<string, unknown>): string {
  return `{${Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`)
    .join(',')}}`;
}

/** What a signed field must be for the event to be accepted: a non-empty, well-formed string. */
export function isAcceptableId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && (value as string & { isWellFormed(): boolean }).isWellFormed();
}
