import { randomUUID } from 'node:crypto';
import { signAxpEvent } from '@app/axp';
import type { AxpEvent } from '@app/queue';
import { TEST_SECRET } from './test-config';

/** An AXP event as the seed document shows it, with fresh ids. */
export function axpEvent(overrides: Partial<AxpEvent> = {}): AxpEvent {
  return {
    eventId: randomUUID(),
    conversationId: randomUUID(),
    customerId: 'customer-id-12345',
    sessionId: randomUUID(),
    eventDate: new Date().toISOString(),
    ...overrides,
  } as AxpEvent;
}

/** The X-hmac value AXP would send for `event`. */
export function signatureFor(event: { eventId: string; sessionId: string }, secret = TEST_SECRET): string {
  return signAxpEvent(secret, event.eventId, event.sessionId);
}
