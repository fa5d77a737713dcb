/**
 * Signed AXP callbacks with unique, reproducible event ids: the index of a callback is written into
 * its eventId, so the parent can name the job of every accepted callback without shipping ids around.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { AxpEvent } from '@app/queue';

export const BENCH_SECRET = 'bench-secret';
/** The drop-in callback path of Avaya's sample connector, served by every intake variant. */
export const CALLBACK_PATH = '/custom-notification-connector/axp-callback/notifications';
/** Extra AXP field carrying the send time (epoch ms with a fraction); AXP extras travel to FCM data. */
export const SENT_AT_FIELD = 'benchSentAt';

export interface CorpusSpec {
  /** 8 hex digits, unique per scenario. */
  runTag: string;
  secret: string;
  /** Sessions to cycle through (registered ones); when absent every event gets a session of its own. */
  sessions?: string[];
}

export function newRunTag(): string {
  return randomBytes(4).toString('hex');
}

/** UUID-shaped, with the index in the last group. */
export function eventIdFor(runTag: string, index: number): string {
  return `${runTag}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

export function sessionIdFor(spec: CorpusSpec, index: number): string {
  if (spec.sessions?.length) return spec.sessions[index % spec.sessions.length];
  return `${spec.runTag}-5e55-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

export interface SignedCallback {
  body: string;
  signature: string;
}

const EVENT_DATE = new Date().toISOString();

/** The AXP event of callback `index`; `sentAt` adds the timing field used by the end-to-end scenario. */
export function eventFor(spec: CorpusSpec, index: number, sentAt?: number): AxpEvent {
  const event: AxpEvent = {
    eventId: eventIdFor(spec.runTag, index),
    conversationId: `${spec.runTag}-c0c0-4000-8000-${index.toString(16).padStart(12, '0')}`,
    customerId: 'bench-customer',
    sessionId: sessionIdFor(spec, index),
    eventDate: sentAt === undefined ? EVENT_DATE : new Date(sentAt).toISOString(),
  };
  if (sentAt !== undefined) event[SENT_AT_FIELD] = sentAt.toFixed(3);
  return event;
}

/** One callback as AXP sends it: the JSON body and its X-hmac. */
export function signedCallback(spec: CorpusSpec, index: number, sentAt?: number): SignedCallback {
  const event = eventFor(spec, index, sentAt);
  const signature = createHmac('sha256', spec.secret).update(event.eventId + event.sessionId).digest('hex');
  return { body: JSON.stringify(event), signature };
}

/** Pre-signs `count` callbacks so that signing never limits the load. */
export function buildCorpus(spec: CorpusSpec, count: number): { bodies: string[]; signatures: string[] } {
  const bodies = new Array<string>(count);
  const signatures = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const { body, signature } = signedCallback(spec, i);
    bodies[i] = body;
    signatures[i] = signature;
  }
  return { bodies, signatures };
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes of one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
