/**
 * Watches the apps from outside while a Redis master is killed: when each one's readiness fails and
 * comes back, and when the ingest stores a callback in the queue again (its enqueue histogram moves).
 */
import { sleep } from '../../support/processes';
import type { CallbackLoad, SentEvent } from './callback-load';
import type { AppProcess } from './stack';

const EVERY_MS = 100;

interface Readiness {
  details?: { intake?: { mode?: string } };
}

/** `name value` of one Prometheus series without labels. */
async function metric(app: AppProcess, name: string): Promise<number> {
  const response = await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(2_000) });
  const line = (await response.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

export const enqueuedToQueue = (ingest: AppProcess) => metric(ingest, 'axp_push_enqueue_duration_seconds_count');
export const writtenToOutbox = (ingest: AppProcess) => metric(ingest, 'axp_push_outbox_writes_total');

export interface AppReadiness {
  /** First time after the kill the app's readiness was not plainly up (ms after the kill). */
  downAfterMs?: number;
  /** First time after that it was up again (ms after the kill). */
  upAfterMs?: number;
  /** Intake modes seen (normal, degraded, refusing). */
  modes: Set<string>;
}

export class FailoverWatch {
  readonly readiness = new Map<string, AppReadiness>();
  /** Ms from the kill to the first callback the ingest stored in the queue (not the outbox). */
  firstQueuedAfterMs?: number;
  private killedAt = 0;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly ingest: AppProcess,
    private readonly others: AppProcess[],
  ) {}

  /** Starts watching; call right after the kill. */
  start(killedAt: number): void {
    this.killedAt = killedAt;
    this.running = Promise.all([this.watchQueue(), ...[this.ingest, ...this.others].map((app) => this.watchReadiness(app))]).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private async watchQueue(): Promise<void> {
    // Batches in flight at the kill settle within the enqueue deadline; count from after that.
    const before = await enqueuedToQueue(this.ingest).catch(() => 0);
    while (!this.stopped && this.firstQueuedAfterMs === undefined) {
      const now = await enqueuedToQueue(this.ingest).catch(() => before);
      if (now > before) this.firstQueuedAfterMs = Date.now() - this.killedAt;
      await sleep(EVERY_MS);
    }
  }

  private async watchReadiness(app: AppProcess): Promise<void> {
    const seen: AppReadiness = { modes: new Set() };
    this.readiness.set(app.name, seen);
    while (!this.stopped) {
      const { status, mode } = await app
        .json<Readiness>('/health/ready', 1_500)
        .then((r) => ({ status: r.status, mode: r.body.details?.intake?.mode }))
        .catch(() => ({ status: 0, mode: undefined }));
      if (mode) seen.modes.add(mode);
      const up = status === 200 && (mode === undefined || mode === 'normal');
      const at = Date.now() - this.killedAt;
      if (!up && seen.downAfterMs === undefined) seen.downAfterMs = at;
      if (up && seen.downAfterMs !== undefined && seen.upAfterMs === undefined) seen.upAfterMs = at;
      await sleep(EVERY_MS);
    }
  }

  describe(): string {
    const apps = [...this.readiness].map(([name, r]) => {
      const modes = r.modes.size ? ` (${[...r.modes].join('/')})` : '';
      return `${name} not ready ${r.downAfterMs ?? '-'}→${r.upAfterMs ?? '-'} ms${modes}`;
    });
    return `first queued 202 ${this.firstQueuedAfterMs ?? '-'} ms after the kill; readiness: ${apps.join(', ')}`;
  }
}

/** Answers that arrived in [from, to) (the failover), whenever their callback was sent: counts by status and the slowest. */
export function answersBetween(sent: SentEvent[], from: number, to: number): { counts: Record<string, number>; slowestMs: number; n: number } {
  const window = sent.filter((e) => e.ms > 0 && e.sentAt + e.ms >= from && e.sentAt + e.ms < to);
  const counts: Record<string, number> = {};
  for (const e of window) counts[e.status] = (counts[e.status] ?? 0) + 1;
  return { counts, slowestMs: window.reduce((max, e) => Math.max(max, e.ms), 0), n: window.length };
}

/**
 * Sends `count` callbacks at about `perSecond`, yielding to the event loop before every send even
 * when behind schedule, so the scenario's own timers (the kill, the watchers) fire on time on a
 * loaded machine.
 */
export async function steadyRun(load: CallbackLoad, count: number, perSecond: number): Promise<SentEvent[]> {
  const answers: Array<Promise<SentEvent>> = [];
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, started + (i * 1000) / perSecond - Date.now()));
    answers.push(load.sendOne());
  }
  return Promise.all(answers);
}
