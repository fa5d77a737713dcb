/**
 * The emulator's control API for other processes (dev stack, bench, demo, fault tests): read what
 * was received, set token behaviours and outages. Everything lives under /__emulator/.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBehaviour } from './fcm-behaviour';
import type { EmulatorState, OutageMode } from './emulator-state';

export const CONTROL_PREFIX = '/__emulator/';
const CONTROL_BODY_LIMIT = 64 * 1024;

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** Reads a small JSON body; answers 400 itself and resolves undefined when it is not JSON. */
export function readJson(req: IncomingMessage, res: ServerResponse, limit = CONTROL_BODY_LIMIT): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > limit) {
        send(res, 413, { error: `body larger than ${limit} bytes` });
        return resolve(undefined);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(null);
      try {
        resolve(JSON.parse(text));
      } catch {
        send(res, 400, { error: 'body must be JSON' });
        resolve(undefined);
      }
    });
  });
}

function parseOutage(input: unknown): { mode: OutageMode | null; retryAfterSeconds?: number; durationMs?: number } | string {
  if (input === null) return { mode: null };
  if (typeof input !== 'object' || Array.isArray(input)) return 'outage must be a JSON object';
  const { mode, retryAfterSeconds, durationMs } = input as Record<string, unknown>;
  if (mode !== 'refuse' && mode !== '503' && mode !== null) return "mode must be 'refuse', '503' or null";
  for (const [name, value] of Object.entries({ retryAfterSeconds, durationMs })) {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0)) {
      return `${name} must be a non-negative integer`;
    }
  }
  return { mode, retryAfterSeconds: retryAfterSeconds as number | undefined, durationMs: durationMs as number | undefined };
}

export async function handleControl(state: EmulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const path = url.pathname.slice(CONTROL_PREFIX.length);
  const method = req.method ?? 'GET';

  if (path === 'requests' && method === 'GET') {
    const token = url.searchParams.get('token');
    const status = url.searchParams.get('status');
    const requests = state.requests.filter(
      (r) => (token === null || r.token === token) && (status === null || String(r.status) === status),
    );
    return send(res, 200, { count: requests.length, requests });
  }
  if (path === 'requests' && method === 'DELETE') {
    state.clearRequests();
    return send(res, 204);
  }
  if (path === 'stats' && method === 'GET') return send(res, 200, state.stats);
  if (path === 'reset' && method === 'POST') {
    state.reset();
    return send(res, 204);
  }
  if ((path === 'default' || path.startsWith('tokens/')) && (method === 'PUT' || method === 'DELETE')) {
    let behaviour = null;
    if (method === 'PUT') {
      const body = await readJson(req, res);
      if (body === undefined) return;
      const parsed = parseBehaviour(body);
      if (typeof parsed === 'string') return send(res, 400, { error: parsed });
      behaviour = parsed;
    }
    if (path === 'default') {
      state.setDefaultBehaviour(behaviour);
    } else {
      const token = decodeURIComponent(path.slice('tokens/'.length));
      if (token === '') return send(res, 400, { error: 'the path must name a token' });
      state.setTokenBehaviour(token, behaviour);
    }
    return send(res, 204);
  }
  if (path === 'outage' && (method === 'PUT' || method === 'DELETE')) {
    const body = method === 'PUT' ? await readJson(req, res) : null;
    if (body === undefined) return;
    const parsed = parseOutage(body);
    if (typeof parsed === 'string') return send(res, 400, { error: parsed });
    state.setOutage(
      parsed.mode === null
        ? null
        : {
            mode: parsed.mode,
            retryAfterSeconds: parsed.retryAfterSeconds,
            until: parsed.durationMs === undefined ? undefined : Date.now() + parsed.durationMs,
          },
    );
    return send(res, 204);
  }
  return send(res, 404, { error: `no control route ${method} ${url.pathname}` });
}
