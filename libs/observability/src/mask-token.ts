/** Keeps enough of a device token to tell two apart in a log line, never enough to use it. */
const KEEP_PREFIX = 6;
const KEEP_SUFFIX = 4;
const SHORTEST_PARTLY_SHOWN = 24;

export function maskToken(token: string | null | undefined): string {
  if (token === null || token === undefined || token === '') return '';
  if (token.length < SHORTEST_PARTLY_SHOWN) return `[${token.length} chars]`;
  return `${token.slice(0, KEEP_PREFIX)}…${token.slice(-KEEP_SUFFIX)}`;
}
