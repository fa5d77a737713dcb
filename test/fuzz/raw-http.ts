/**
 * HTTP spoken over a bare socket, so hostile-input tests can send what real clients never send
 * (invalid bytes, duplicated or conflicting headers, trickled or truncated bodies) and still read the answer.
 */
import { connect } from 'node:net';

export interface Target {
  host: string;
  port: number;
}

export interface RawResponse {
  /** The answer's status, or 0 when the server closed without answering. */
  status: number;
  head: string;
  body: string;
  ms: number;
  /** How the exchange ended when no answer came (reset, timeout, ...). */
  error?: string;
}

/** A part of a request: bytes to write, or a pause. */
export type Part = Buffer | string | { pauseMs: number };

export interface ExchangeOptions {
  /** Give up (and destroy the socket) after this long. */
  timeoutMs?: number;
  /** Half-close after the last part instead of waiting for the server to close. */
  endAfterParts?: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function parseStatus(text: string): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** Writes the parts in order (pausing where asked) and resolves with whatever the server answered. */
export function rawExchange(target: Target, parts: Part[], options: ExchangeOptions = {}): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(target.port, target.host);
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status: parseStatus(text),
        head: split < 0 ? text : text.slice(0, split),
        body: split < 0 ? '' : text.slice(split + 4),
        ms: Date.now() - started,
        error: chunks.length === 0 ? error ?? 'closed without an answer' : undefined,
      });
      socket.destroy();
    };
    const timer = setTimeout(() => {
      error = 'client timeout';
      finish();
    }, options.timeoutMs ?? 15_000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (answeredInFull(Buffer.concat(chunks).toString('latin1'))) finish();
    });
    socket.on('error', (e: Error) => {
      error = e.message;
    });
    socket.on('close', finish);
    socket.once('connect', async () => {
      for (const part of parts) {
        if (settled || socket.destroyed) return;
        if (typeof part === 'object' && !Buffer.isBuffer(part)) {
          await sleep(part.pauseMs);
          continue;
        }
        // The server may answer (413, 400) and close while we are still writing: keep reading.
        const flushed = socket.write(part);
        if (!flushed) await new Promise<void>((r) => socket.once('drain', r).once('close', r));
      }
      if (options.endAfterParts && !socket.destroyed) socket.end();
    });
  });
}

/** True once `text` holds a complete response with a Content-Length (keep-alive answers). */
function answeredInFull(text: string): boolean {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, split));
  if (!length) return false;
  return Buffer.byteLength(text.slice(split + 4), 'latin1') >= Number(length[1]);
}

/** A request as raw text: a request line, header lines (duplicates allowed) and a body. */
export function rawRequest(method: string, path: string, headers: Array<[string, string | Buffer]>, body: string | Buffer = ''): Buffer {
  const head = Buffer.concat([
    Buffer.from(`${method} ${path} HTTP/1.1\r\n`, 'latin1'),
    ...headers.map(([name, value]) =>
      Buffer.concat([
        Buffer.from(`${name}: `, 'latin1'),
        Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1'),
        Buffer.from('\r\n'),
      ]),
    ),
    Buffer.from('\r\n'),
  ]);
  return Buffer.concat([head, Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
}
