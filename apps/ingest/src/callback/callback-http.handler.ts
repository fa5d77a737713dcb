import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpException } from '@nestjs/common';
import secureJson from 'secure-json-parse';
import { SIGNATURE_HEADER } from '@app/axp';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../json-body.parser';
import type { CallbackService } from './callback.service';
import type { CallbackTelemetry } from './callback-telemetry';

const SAMPLE_PATH = '/custom-notification-connector/axp-callback/notifications';
const CONFIG_PATH = /^\/v1\/axp\/([^/]+)\/notifications$/;
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

interface Answer {
  status: number;
  body: object;
}

const refusal = (status: number, error: string, message: string): Answer => ({ status, body: { statusCode: status, error, message } });

/**
 * The AXP callback served straight from node:http, ahead of Fastify and Nest: the hot path pays for
 * reading the body, one JSON parse and CallbackService (the same service as the Nest route), and
 * nothing else. Same answers as the Fastify route: 413 over the body limit, 415 unless JSON, 400 for
 * unparsable, prototype-poisoning or too deeply nested JSON. Any other request goes to Fastify.
 */
export class CallbackHttpHandler {
  constructor(
    private readonly callbacks: CallbackService,
    private readonly telemetry: CallbackTelemetry,
    private readonly bodyLimit: number,
  ) {}

  /** Handles the request when it is an AXP callback; false lets Fastify have it. */
  tryHandle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    let configId: string | undefined;
    if (path !== SAMPLE_PATH) {
      const match = CONFIG_PATH.exec(path);
      if (!match) return false;
      try {
        configId = decodeURIComponent(match[1]);
      } catch {
        return false; // Fastify answers malformed paths
      }
    }
    this.receive(req, res, configId);
    return true;
  }

  private receive(req: IncomingMessage, res: ServerResponse, configId: string | undefined): void {
    const started = performance.now();
    // The configuration that took the event: on the sample's path, the one whose secret verified it.
    let takenBy = configId;
    const finish = (answer: Answer, body?: unknown, close = false) => {
      this.send(res, answer, close);
      this.telemetry.record(takenBy, answer.status, body, performance.now() - started);
    };
    // Refused before the body is read: answer, and close the connection so the rest is never read.
    const refuseUnread = (answer: Answer) => {
      req.on('error', () => undefined);
      finish(answer, undefined, true);
    };
    if (!JSON_MEDIA_TYPE.test(req.headers['content-type'] ?? '')) {
      const type = String(req.headers['content-type'] ?? 'none').slice(0, 100);
      return refuseUnread(refusal(415, 'Unsupported Media Type', `Unsupported Media Type: ${type}`));
    }
    if (Number(req.headers['content-length'] ?? 0) > this.bodyLimit) {
      return refuseUnread(refusal(413, 'Payload Too Large', 'Request body is too large'));
    }

    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > this.bodyLimit) {
        refused = true;
        refuseUnread(refusal(413, 'Payload Too Large', 'Request body is too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => undefined); // a client that hangs up mid-body gets no answer
    req.on('end', () => {
      if (refused || req.destroyed) return;
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      const parsed = parseJson(text);
      if ('refused' in parsed) return finish(parsed.refused);
      const signature = req.headers[SIGNATURE_HEADER];
      this.callbacks
        .acceptFor(configId, typeof signature === 'string' ? signature : signature?.join(', '), parsed.body)
        .then(
          ({ accepted, configId: taker }): Answer => {
            takenBy = taker;
            return { status: 202, body: accepted };
          },
          (error: unknown): Answer =>
            error instanceof HttpException
              ? { status: error.getStatus(), body: error.getResponse() as object }
              : refusal(500, 'Internal Server Error', 'the event could not be stored'),
        )
        .then((answer) => finish(answer, parsed.body))
        .catch(() => res.destroy());
    });
  }

  private send(res: ServerResponse, { status, body }: Answer, close: boolean): void {
    if (res.headersSent || res.destroyed) return;
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(payload);
  }
}

function parseJson(text: string): { body: unknown } | { refused: Answer } {
  if (text.length === 0) {
    return { refused: refusal(400, 'Bad Request', "Body cannot be empty when content-type is set to 'application/json'") };
  }
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return { refused: refusal(400, 'Bad Request', `JSON body nests deeper than ${MAX_JSON_DEPTH} levels`) };
  }
  try {
    return { body: secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }) };
  } catch {
    return { refused: refusal(400, 'Bad Request', "Body is not valid JSON but content-type is set to 'application/json'") };
  }
}
