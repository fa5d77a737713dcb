import { humanDuration } from '../../scripts/demo/human-duration';

describe('humanDuration (the demo\'s timings)', () => {
  it.each([
    [30.35546875, '30 ms'],
    [0.4, '0 ms'],
    [999.6, '1000 ms'],
    [9_999.4, '9999 ms'],
    [12_345.6, '12.3 s'],
    [Number.NaN, 'unknown'],
  ])('%p ms → %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
