/** Small HTTP helpers for the demo: one JSON request with a deadline, and polling until a condition holds. */

export interface JsonResponse {
  status: number;
  statusText: string;
  body: unknown;
  text: string;
}

export async function request(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<JsonResponse> {
  const res = await fetch(url, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: kept as text
  }
  return { status: res.status, statusText: res.statusText, body, text };
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/** Calls `probe` until it returns a value, or resolves undefined at the deadline (which may move). */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, deadline: () => number, intervalMs = 200): Promise<T | undefined> {
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() >= deadline()) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Why a fetch failed, in words (connection refused rather than "fetch failed"). */
export function networkProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  return cause?.message ?? (error as Error).message;
}
