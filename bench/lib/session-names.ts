/** Names of the sessions and tokens the benchmark registers, shared by the seeding SQL and the checks. */

/** FCM registration tokens are about 150 characters; ours are padded to that length. */
export const TOKEN_LENGTH = 152;

export function benchSessionId(label: string, index: number): string {
  return `bench-${label}-session-${index}`;
}

/** Must equal the SQL in BenchDatabase.seedSessions: rpad('bench-<label>-token-<i>-<k>-', TOKEN_LENGTH, 'x'). */
export function benchToken(label: string, index: number, k: number): string {
  return `bench-${label}-token-${index}-${k}-`.padEnd(TOKEN_LENGTH, 'x');
}
