import { jsonNestsDeeperThan } from './json-body.parser';

describe('jsonNestsDeeperThan', () => {
  it('accepts flat and moderately nested bodies', () => {
    expect(jsonNestsDeeperThan('{"eventId":"a","sessionId":"b"}', 2)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
  });

  it('refuses nesting beyond the limit, arrays and objects alike', () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan('['.repeat(40) + ']'.repeat(40), 32)).toBe(true);
    expect(jsonNestsDeeperThan(`${'{"a":'.repeat(33)}1${'}'.repeat(33)}`, 32)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ a: '[[[[[[{{{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: 'say \\"[[[[" twice' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: 'x"[[[[[' }), 1)).toBe(false);
  });

  it('counts depth, not the number of siblings', () => {
    expect(jsonNestsDeeperThan(JSON.stringify(Array.from({ length: 1000 }, () => [1])), 2)).toBe(false);
  });
});
