/** The FCM emulator's HTTP control API (/__emulator/), as the fault scenarios drive it from outside. */

export interface EmulatorRequest {
  at: number;
  token: string;
  status: number;
  message: { token?: string; data?: Record<string, string> };
}

export interface EmulatorBehaviour {
  outcome: string;
  times?: number;
  latencyMs?: number;
  retryAfterSeconds?: number;
}

export class EmulatorClient {
  constructor(readonly url: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.url}/__emulator/${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status >= 400) throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  }

  async requests(filter: { status?: number; token?: string } = {}): Promise<EmulatorRequest[]> {
    const query = new URLSearchParams();
    if (filter.status !== undefined) query.set('status', String(filter.status));
    if (filter.token !== undefined) query.set('token', filter.token);
    const response = await this.call('GET', `requests${query.size ? `?${query}` : ''}`);
    return ((await response.json()) as { requests: EmulatorRequest[] }).requests;
  }

  async stats(): Promise<{ received: number; refused: number; byStatus: Record<string, number> }> {
    return (await this.call('GET', 'stats')).json() as Promise<{ received: number; refused: number; byStatus: Record<string, number> }>;
  }

  async setDefault(behaviour: EmulatorBehaviour | null): Promise<void> {
    await this.call(behaviour ? 'PUT' : 'DELETE', 'default', behaviour ?? undefined);
  }

  async setToken(token: string, behaviour: EmulatorBehaviour | null): Promise<void> {
    await this.call(behaviour ? 'PUT' : 'DELETE', `tokens/${encodeURIComponent(token)}`, behaviour ?? undefined);
  }

  async setOutage(mode: 'refuse' | '503' | null, options: { retryAfterSeconds?: number; durationMs?: number } = {}): Promise<void> {
    if (mode === null) await this.call('DELETE', 'outage');
    else await this.call('PUT', 'outage', { mode, ...options });
  }

  async reset(): Promise<void> {
    await this.call('POST', 'reset');
  }
}
