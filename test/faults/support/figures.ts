/**
 * The figures every scenario reports: sent, accepted, delivered (unique (event, token) pairs the
 * emulator answered 200), duplicated and lost, printed at once and gathered for the final table.
 */
import { appendFileSync } from 'node:fs';
import { sleep } from '../../support/processes';
import type { SentEvent } from './callback-load';
import type { EmulatorClient, EmulatorRequest } from './emulator-client';

/** '-' where a figure does not apply (the hostile-input run delivers nothing). */
type Figure = number | '-';

export interface Figures {
  scenario: string;
  sent: number;
  accepted: number;
  /** Pushes owed: one per token of every accepted event. */
  expected: Figure;
  delivered: Figure;
  duplicated: Figure;
  lost: Figure;
  notes: string;
}

export interface DeliveryFigures extends Figures {
  expected: number;
  delivered: number;
  duplicated: number;
  lost: number;
}

const pairKey = (eventId: string, token: string) => `${eventId}|${token}`;

/** Compares accepted events with the emulator's 200 answers. */
export function countFigures(scenario: string, sent: SentEvent[], delivered: EmulatorRequest[], notes = ''): DeliveryFigures {
  const accepted = sent.filter((e) => e.status === 202);
  const owed = new Set(accepted.flatMap((e) => e.tokens.map((t) => pairKey(e.eventId, t))));
  // Only this scenario's events count: the emulator may hold earlier scenarios' requests.
  const ours = new Set(sent.flatMap((e) => e.tokens.map((t) => pairKey(e.eventId, t))));
  const seen = new Map<string, number>();
  for (const r of delivered) {
    const key = pairKey(r.message.data?.eventId ?? '', r.token);
    if (ours.has(key)) seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  let deliveredOwed = 0;
  for (const key of owed) if (seen.has(key)) deliveredOwed += 1;
  let duplicated = 0;
  for (const n of seen.values()) duplicated += n - 1;
  return {
    scenario,
    sent: sent.length,
    accepted: accepted.length,
    expected: owed.size,
    delivered: deliveredOwed,
    duplicated,
    lost: owed.size - deliveredOwed,
    notes,
  };
}

export interface Settling {
  emulator: EmulatorClient;
  /** Resolves once nothing more can be sent (outbox empty, no job waiting, running or backing off). */
  quiet(timeoutMs: number): Promise<void>;
}

/**
 * Waits until every owed push arrived and the system is quiet (so late re-sends are counted too),
 * or `timeoutMs` passed; returns the figures then.
 */
export async function awaitDelivery(scenario: string, stack: Settling, sent: SentEvent[], timeoutMs: number): Promise<DeliveryFigures> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const figures = countFigures(scenario, sent, await stack.emulator.requests({ status: 200 }));
    if (figures.lost === 0 || Date.now() > deadline) break;
    await sleep(500);
  }
  await stack.quiet(Math.max(1_000, deadline - Date.now())).catch(() => undefined);
  return countFigures(scenario, sent, await stack.emulator.requests({ status: 200 }));
}

export function formatFigures(f: Figures): string {
  return (
    `[faults] ${f.scenario}: sent=${f.sent} accepted=${f.accepted} expected=${f.expected} ` +
    `delivered=${f.delivered} duplicated=${f.duplicated} lost=${f.lost}${f.notes ? ` | ${f.notes}` : ''}`
  );
}

/** Prints the figures and appends them to the run's results file (read by the global teardown). */
export function report<F extends Figures>(figures: F): F {
  process.stdout.write(`${formatFigures(figures)}\n`);
  const file = process.env.FAULTS_RESULTS_FILE;
  if (file) appendFileSync(file, `${JSON.stringify(figures)}\n`);
  return figures;
}
