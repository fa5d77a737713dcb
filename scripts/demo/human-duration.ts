/** A duration as a person reads it: whole milliseconds below 10 s (`30 ms`), tenths of seconds above (`12.3 s`). */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'unknown';
  if (Math.abs(ms) < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
