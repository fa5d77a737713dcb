/**
 * Sends fuzz requests over keep-alive connections, many at once: the HTTP client's own checks (it
 * refuses to write some bytes) are kept out of the way by generators that only make ASCII paths.
 */
import { Agent, request } from 'node:http';
import type { FuzzRequest } from './stack-requests';

export interface FuzzAnswer {
  status: number;
  body: string;
  /** Set when no answer came: the connection was reset or closed, or the client gave up. */
  error?: string;
}

export class KeepAliveClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(private readonly port: number) {}

  send(req: FuzzRequest, timeoutMs = 20_000): Promise<FuzzAnswer> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (answer: FuzzAnswer) => {
        if (settled) return;
        settled = true;
        resolve(answer);
      };
      let outgoing;
      try {
        const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
        outgoing = request({ host: '127.0.0.1', port: this.port, method: req.method, path: req.path, headers, agent: this.agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => done({ status: res.statusCode ?? 0, body: '', error: e.message }));
        });
      } catch (error) {
        // The client refused to write it (a header value it will not send): nothing reached the server.
        done({ status: -1, body: '', error: `client refused: ${(error as Error).message}` });
        return;
      }
      outgoing.setTimeout(timeoutMs, () => {
        outgoing.destroy(new Error('client timeout'));
      });
      outgoing.on('error', (e) => done({ status: 0, body: '', error: e.message }));
      outgoing.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
