/**
 * A small FCM v1 server: `POST /v1/projects/{projectId}/messages:send` answered like FCM, with
 * its error bodies, per-token behaviours and outages. Kept lean: it must sustain 10,000+ req/s.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTROL_PREFIX, handleControl } from './control-api';
import { type EmulatorStats, EmulatorState, type OutageMode, type RecordedRequest } from './emulator-state';
import { type FcmAnswer, failureAnswer, googleErrorAnswer, type TokenBehaviour, type TokenOutcome } from './fcm-behaviour';
import { checkSendRequest } from './fcm-message.validator';

export interface FcmEmulatorOptions {
  /** 0 (default) lets the OS choose. */
  port?: number;
  host?: string;
  /** Most recent requests kept in memory (statistics count all of them). */
  maxRecorded?: number;
  /** Receives one line per request; tokens appear shortened. */
  log?: (line: string) => void;
}

export interface FcmEmulator {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Every send request received since the last reset, oldest first. */
  readonly requests: RecordedRequest[];
  requestsFor(token: string): RecordedRequest[];
  stats(): EmulatorStats;
  setTokenBehaviour(token: string, behaviour: TokenBehaviour | TokenOutcome | null): void;
  /** Behaviour of tokens without their own behaviour or naming convention. */
  setDefaultBehaviour(behaviour: TokenBehaviour | TokenOutcome | null): void;
  setOutage(mode: OutageMode | null, options?: { retryAfterSeconds?: number; durationMs?: number }): void;
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  clearRequests(): void;
  reset(): void;
  close(): Promise<void>;
}

const SEND_PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;
const SEND_BODY_LIMIT = 256 * 1024;
const JSON_HEADERS = { 'content-type': 'application/json; charset=UTF-8' };

const toBehaviour = (b: TokenBehaviour | TokenOutcome | null): TokenBehaviour | null =>
  typeof b === 'string' ? { outcome: b } : b;

export function shortToken(token: string): string {
  return token.length <= 12 ? token : `${token.slice(0, 8)}…(${token.length})`;
}

function answer(res: ServerResponse, result: FcmAnswer): void {
  res.writeHead(result.status, {
    ...JSON_HEADERS,
    'content-length': Buffer.byteLength(result.body),
    ...result.headers,
  });
  res.end(result.body);
}

class FcmRoute {
  private sequence = 0;
  readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: EmulatorState,
    private readonly log?: (line: string) => void,
  ) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (url.startsWith(CONTROL_PREFIX)) {
      void handleControl(this.state, req, res);
      return;
    }
    if (url === '/health') return answer(res, { status: 200, body: '{"status":"ok"}' });
    const match = req.method === 'POST' ? SEND_PATH.exec(url) : null;
    if (!match) return answer(res, googleErrorAnswer(404, 'NOT_FOUND', `No route for ${req.method} ${url}`));
    const outage = this.state.currentOutage();
    if (outage?.mode === 'refuse') {
      this.state.stats.refused += 1;
      req.socket.destroy();
      return;
    }
    const projectId = decodeURIComponent(match[1]);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= SEND_BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => this.respond(req, res, projectId, size > SEND_BODY_LIMIT ? undefined : chunks));
  }

  private respond(req: IncomingMessage, res: ServerResponse, projectId: string, chunks: Buffer[] | undefined): void {
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
      this.state.countStatus(401);
      return answer(
        res,
        googleErrorAnswer(401, 'UNAUTHENTICATED', 'Request is missing required authentication credential. Expected OAuth 2 access token.'),
      );
    }
    let body: unknown;
    try {
      body = chunks === undefined ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    const check = checkSendRequest(body);
    if (!check.ok) {
      this.state.countStatus(400);
      return answer(res, failureAnswer('invalid-payload', { message: check.problem }));
    }
    const token = check.target;
    const outage = this.state.currentOutage();
    const decision =
      outage?.mode === '503'
        ? { outcome: 'unavailable' as const, latencyMs: 0, retryAfterSeconds: outage.retryAfterSeconds }
        : this.state.decide(token);
    const result: FcmAnswer =
      decision.outcome === 'ok'
        ? {
            status: 200,
            body: `{"name":"projects/${projectId}/messages/0:${Date.now()}%${(++this.sequence).toString(16)}"}`,
          }
        : failureAnswer(decision.outcome, { retryAfterSeconds: decision.retryAfterSeconds });
    // Sub-millisecond epoch time, so latencies measured against it are not floored to whole ms.
    this.state.record({ at: performance.timeOrigin + performance.now(), projectId, token, message: check.message, status: result.status });
    this.log?.(`${result.status} ${projectId} ${shortToken(token)}`);
    if (decision.latencyMs <= 0) return answer(res, result);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!res.destroyed) answer(res, result);
    }, decision.latencyMs);
    this.timers.add(timer);
  }
}

/** Starts an emulator; resolves once it listens. */
export async function startFcmEmulator(options: FcmEmulatorOptions = {}): Promise<FcmEmulator> {
  const state = new EmulatorState(options.maxRecorded ?? Number.POSITIVE_INFINITY);
  const route = new FcmRoute(state, options.log);
  const server: Server = createServer({ keepAlive: true }, (req, res) => route.handle(req, res));
  server.on('connection', () => {
    state.stats.connections += 1;
  });
  // Clients (firebase-admin's agent, benchmarks) hold connections open; keep them longer than they do.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    get requests() {
      return state.requests;
    },
    requestsFor: (token) => state.requests.filter((r) => r.token === token),
    stats: () => state.stats,
    setTokenBehaviour: (token, behaviour) => state.setTokenBehaviour(token, toBehaviour(behaviour)),
    setDefaultBehaviour: (behaviour) => state.setDefaultBehaviour(toBehaviour(behaviour)),
    setOutage: (mode, outageOptions = {}) =>
      state.setOutage(
        mode === null
          ? null
          : {
              mode,
              retryAfterSeconds: outageOptions.retryAfterSeconds,
              until: outageOptions.durationMs === undefined ? undefined : Date.now() + outageOptions.durationMs,
            },
      ),
    waitForRequests: (count, timeoutMs = 10_000) => state.waitForRequests(count, timeoutMs),
    clearRequests: () => state.clearRequests(),
    reset: () => state.reset(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of route.timers) clearTimeout(timer);
        route.timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
