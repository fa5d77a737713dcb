/** Loopback helpers: a port the OS picks, and waiting for a child's HTTP endpoint to answer. */
import { createServer } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** A port the OS reports free on the loopback (for apps that take PORT rather than report theirs). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `url` until it answers 2xx. `alive` lets the caller stop early when the server has died;
 * `diagnose` adds what the server said (its stderr) to the error.
 */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  alive: () => boolean = () => true,
  diagnose: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  const detail = () => (diagnose() ? `:\n${diagnose()}` : '');
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`${url}: the server exited while starting${detail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms (${last})${detail()}`);
}
