/**
 * Sends signed AXP callbacks to an ingest at a steady rate and remembers every answer (status and
 * time taken), so a scenario can compare what was accepted with what reached the emulator.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { signAxpEvent } from '@app/axp';
import { sleep } from '../../support/processes';
import { TEST_SECRET } from '../../support/test-config';
import type { Session } from './stack';

export interface SentEvent {
  /** The callback body as sent. */
  event: Record<string, string>;
  eventId: string;
  sessionId: string;
  tokens: string[];
  /** HTTP status, or 0 when no answer came (connection error or client timeout). */
  status: number;
  ms: number;
  sentAt: number;
  error?: string;
}

const CLIENT_TIMEOUT_MS = 15_000;

export class CallbackLoad {
  readonly sent: SentEvent[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private next = 0;

  constructor(
    private readonly ingestUrl: string,
    private readonly sessions: Session[],
    private readonly path = '/v1/axp/default/notifications',
  ) {}

  /** One callback for the next session (round robin), or `again` once more; resolves with its answer. */
  sendOne(again?: SentEvent): Promise<SentEvent> {
    const session = again ? { sessionId: again.sessionId, tokens: again.tokens } : this.sessions[this.next++ % this.sessions.length];
    const event = again?.event ?? {
      eventId: randomUUID(),
      conversationId: randomUUID(),
      customerId: 'customer-faults',
      sessionId: session.sessionId,
      eventDate: new Date().toISOString(),
    };
    const body = JSON.stringify(event);
    const started = Date.now();
    const result: SentEvent = { event, eventId: event.eventId, sessionId: session.sessionId, tokens: session.tokens, status: 0, ms: 0, sentAt: started };
    this.sent.push(result);
    return new Promise((resolve) => {
      const done = (status: number, error?: string) => {
        if (result.ms) return;
        result.status = status;
        result.ms = Math.max(1, Date.now() - started);
        result.error = error;
        resolve(result);
      };
      const req = request(
        `${this.ingestUrl}${this.path}`,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-hmac': signAxpEvent(TEST_SECRET, event.eventId, event.sessionId),
          },
          timeout: CLIENT_TIMEOUT_MS,
        },
        (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode ?? 0));
          res.on('error', (error) => done(0, error.message));
        },
      );
      req.on('timeout', () => req.destroy(new Error('client timeout')));
      req.on('error', (error) => done(0, error.message));
      req.end(body);
    });
  }

  /** Sends `count` callbacks at about `perSecond`, without waiting for answers between sends. */
  async run(count: number, perSecond: number): Promise<SentEvent[]> {
    const answers: Array<Promise<SentEvent>> = [];
    const started = Date.now();
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / perSecond;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      answers.push(this.sendOne());
    }
    return Promise.all(answers);
  }

  /** Sends the same callbacks again (same eventIds), as a replaying caller would. */
  resend(events: SentEvent[]): Promise<SentEvent[]> {
    return Promise.all(events.map((e) => this.sendOne(e)));
  }

  accepted(): SentEvent[] {
    return this.sent.filter((e) => e.status === 202);
  }

  maxMs(filter: (e: SentEvent) => boolean = () => true): number {
    return this.sent.filter(filter).reduce((max, e) => Math.max(max, e.ms), 0);
  }

  /** Answers by status, e.g. { 202: 580, 500: 20 }. */
  statusCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.sent) counts[e.status] = (counts[e.status] ?? 0) + 1;
    return counts;
  }

  close(): void {
    this.agent.destroy();
  }
}
