/**
 * The fuzz generators themselves must be total: a generator that throws for one sample ends a long
 * fuzz run with its own error instead of a finding. Samples them as the running-stack run does, with
 * the seed of a run that once failed this way and with a fresh seed, and checks each request is one an
 * HTTP client can send.
 */
import fc from 'fast-check';
import { TEST_API_KEY, TEST_SECRET } from '../support/test-config';
import { generatedRequest, requestBytes } from './generated-requests';
import { stackRequest } from './stack-requests';

const SAMPLES = 4_000;
const seeds = [117588904, Date.now() % 2 ** 31];

describe('fuzz generators', () => {
  const raw = generatedRequest({ target: { host: '127.0.0.1', port: 8080 }, secret: TEST_SECRET, apiKey: TEST_API_KEY });
  const stack = stackRequest({ secret: TEST_SECRET, apiKey: TEST_API_KEY, adminAuth: 'YTpi', sessions: ['s1', 's2'], bodyLimit: 64 * 1024 });

  it.each(seeds)('raw requests are generated for every seed and serialise to bytes (seed %i)', (seed) => {
    const requests = fc.sample(raw, { seed, numRuns: SAMPLES });
    expect(requests).toHaveLength(SAMPLES);
    for (const request of requests) {
      expect(request.path.startsWith('/')).toBe(true);
      expect(requestBytes(request).length).toBeGreaterThan(request.body.length);
    }
    const signed = requests.filter((r) => r.headers.some(([name]) => name === 'x-hmac'));
    expect(signed.length).toBeGreaterThan(SAMPLES / 4);
  });

  it.each(seeds)('stack requests are generated for every seed with string headers (seed %i)', (seed) => {
    const requests = fc.sample(stack, { seed, numRuns: SAMPLES });
    for (const request of requests) {
      expect(['ingest', 'admin']).toContain(request.target);
      for (const value of Object.values(request.headers)) expect(typeof (Array.isArray(value) ? value.join() : value)).toBe('string');
    }
    expect(requests.filter((r) => r.eventId !== undefined).length).toBeGreaterThan(SAMPLES / 10);
  });

  it('the raw requests of the 100,000-request run of seed 117588904 are all generated (one seed per 25th request)', () => {
    let generated = 0;
    for (let index = 0; index < 100_000; index += 25) {
      const [request] = fc.sample(raw, { seed: 117588904 + index, numRuns: 1 });
      if (request.method) generated += 1;
    }
    expect(generated).toBe(4_000);
  });
});
