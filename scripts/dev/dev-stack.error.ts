/** A start problem the dev runner explains in one line (no stack trace): what failed and what to do. */
export class DevStackError extends Error {
  override readonly name = 'DevStackError';
}
