/**
 * Writes the delivery history off the hot path: callers hand over an attempt's rows and return at
 * once; a timer flushes the bounded buffer every 250 ms (sooner when a batch is full) with one
 * multi-row insert per table. When Postgres is away the rows wait, up to the cap; beyond it, or
 * past the retention, they are dropped and counted (axp_history_rows_dropped_total).
 */
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { maskToken, METRICS_REGISTRY } from '@app/observability';
import { retentionStart } from './history-partitions';
import { HistoryRepository, storableText, tokenDigest } from './history.repository';
import type { HistoryAttemptTuple, HistoryDeviceTuple, HistoryEventTuple, HistoryStoredIn } from './history.types';

export const HISTORY_FLUSH_INTERVAL_MS = 250;
export const HISTORY_BATCH_ROWS = 2_000;
export const HISTORY_BUFFER_CAP_ROWS = 50_000;
const MAX_BACKOFF_MS = 5_000;

/** One attempt of one event, as the dispatcher knows it; full tokens here are masked and digested before buffering. */
export interface HistoryAttemptInput {
  configId: string;
  eventId: string;
  sessionId: string;
  customerId?: string;
  conversationId?: string;
  receivedAt: string;
  storedIn?: HistoryStoredIn;
  attempt: number;
  /** The event's outcome after this attempt. */
  outcome: string;
  detail?: string;
  /** The dead-letter entry's job id when this attempt dead-lettered the event. */
  deadLetterId?: string;
  devices: Array<{ token: string; platform?: string; outcome: string; code?: string; messageName?: string; latencyMs?: number }>;
}

/**
 * One attempt's rows while they wait: the event's row as a tuple (a later attempt of the same event in
 * the same flush replaces it), the attempt's and the devices' rows already as JSON text. Few objects
 * per attempt, so a full buffer costs the garbage collector little.
 */
interface Entry {
  key: string;
  event: HistoryEventTuple;
  /** JSON of the attempt's tuple. */
  attempt: string;
  /** JSON of the device tuples, comma-separated, without brackets ('' when none). */
  devices: string;
  rows: number;
}

const rowsOf = (entry: Entry) => entry.rows;

@Injectable()
export class HistoryWriter implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(HistoryWriter.name);
  private readonly instance = `${hostname()}/${process.pid}`.slice(0, 160);
  private readonly enabled: boolean;
  private readonly retentionDays: number;
  private buffer: Entry[] = [];
  private bufferedRows = 0;
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private retryAt = 0;
  private backoffMs = 250;
  private lastWarnAt = 0;
  private readonly dropped: Counter<'reason'>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repository: HistoryRepository,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.enabled = config.history.enabled;
    this.retentionDays = config.history.retentionDays;
    this.dropped = new Counter({
      name: 'axp_history_rows_dropped_total',
      help: 'Delivery history rows not written: buffer full while Postgres was away, or past the retention',
      labelNames: ['reason'],
      registers: [registry],
    });
    const buffered = () => this.bufferedRows;
    new Gauge({
      name: 'axp_history_buffered_rows',
      help: 'Delivery history rows waiting to be written',
      registers: [registry],
      collect() {
        this.set(buffered());
      },
    });
  }

  get pendingRows(): number {
    return this.bufferedRows;
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => void this.flush(), HISTORY_FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Buffers an attempt's rows; never throws and never waits. */
  record(input: HistoryAttemptInput): void {
    if (!this.enabled) return;
    try {
      const entry = this.entry(input);
      if (entry.event[5] < retentionStart(this.retentionDays)) {
        this.dropped.inc({ reason: 'past-retention' }, rowsOf(entry));
        return;
      }
      if (this.bufferedRows + rowsOf(entry) > HISTORY_BUFFER_CAP_ROWS) {
        this.dropped.inc({ reason: 'buffer-full' }, rowsOf(entry));
        return;
      }
      this.buffer.push(entry);
      this.bufferedRows += rowsOf(entry);
      if (this.bufferedRows >= HISTORY_BATCH_ROWS) setImmediate(() => void this.flush());
    } catch (error) {
      this.warn(`history row not buffered: ${(error as Error).message}`);
    }
  }

  /** Writes what is buffered, batch after batch, until empty or a write fails (shutdown, tests). */
  async drain(): Promise<void> {
    this.retryAt = 0;
    for (let rows = -1; this.bufferedRows > 0 && this.bufferedRows !== rows; ) {
      rows = this.bufferedRows;
      await this.flush(true);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.drain();
    if (this.bufferedRows > 0) this.logger.warn(`${this.bufferedRows} history row(s) not written before shutdown`);
  }

  /** One batch: at most one flush at a time; after a failure, waits with back-off before the next. */
  private async flush(force = false): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.buffer.length === 0 || (!force && Date.now() < this.retryAt)) return;
    this.flushing = this.writeBatch().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    let rows = 0;
    let count = 0;
    while (count < this.buffer.length && rows < HISTORY_BATCH_ROWS) rows += rowsOf(this.buffer[count++]);
    const batch = this.buffer.slice(0, count);
    this.buffer = this.buffer.slice(count);
    try {
      const devices: string[] = [];
      for (const entry of batch) if (entry.devices !== '') devices.push(entry.devices);
      await this.repository.insert({
        events: JSON.stringify(latestEvents(batch)),
        attempts: `[${batch.map((e) => e.attempt).join(',')}]`,
        devices: `[${devices.join(',')}]`,
      });
      this.bufferedRows -= rows;
      this.backoffMs = 250;
    } catch (error) {
      if (isPermanent(error)) {
        // A batch Postgres refuses for what it holds would block every later one: drop it, counted.
        this.bufferedRows -= rows;
        this.dropped.inc({ reason: 'refused' }, rows);
        this.warn(`history batch of ${rows} row(s) refused: ${(error as Error).message}`);
        return;
      }
      // Back at the head, in order: written once Postgres answers again.
      this.buffer = [...batch, ...this.buffer];
      this.retryAt = Date.now() + this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
      this.warn(`history not written (${this.bufferedRows} row(s) waiting): ${(error as Error).message}`);
    }
  }

  /** The rows of one attempt: times in epoch milliseconds, text as Postgres can hold it. */
  private entry(input: HistoryAttemptInput): Entry {
    const at = Date.now();
    const parsed = Date.parse(input.receivedAt);
    // Rows are placed by receipt time: an unreadable or future one (a skewed clock) is placed now.
    const receivedAt = Number.isNaN(parsed) || parsed > at ? at : parsed;
    const configId = storableText(input.configId);
    const eventId = storableText(input.eventId);
    const devices: HistoryDeviceTuple[] = new Array(input.devices.length);
    for (let i = 0; i < devices.length; i++) {
      const device = input.devices[i];
      devices[i] = [
        configId,
        eventId,
        receivedAt,
        input.attempt,
        at,
        tokenDigest(device.token),
        maskToken(device.token).slice(0, 32),
        device.platform ?? null,
        device.outcome,
        device.code === undefined ? null : storableText(device.code.slice(0, 128)),
        device.messageName === undefined ? null : storableText(device.messageName),
        device.latencyMs === undefined ? null : Math.round(device.latencyMs),
      ];
    }
    const attempt: HistoryAttemptTuple = [
      configId,
      eventId,
      receivedAt,
      input.attempt,
      at,
      this.instance,
      input.outcome,
      input.detail === undefined ? null : storableText(input.detail),
    ];
    return {
      key: `${configId}\u0000${eventId}\u0000${receivedAt}`,
      event: [
        configId,
        eventId,
        storableText(input.sessionId),
        input.customerId === undefined ? null : storableText(input.customerId),
        input.conversationId === undefined ? null : storableText(input.conversationId),
        receivedAt,
        input.storedIn ?? 'queue',
        input.outcome,
        input.attempt,
        at,
        input.deadLetterId === undefined ? null : storableText(input.deadLetterId),
      ],
      attempt: JSON.stringify(attempt),
      devices: devices.length === 0 ? '' : JSON.stringify(devices).slice(1, -1),
      rows: 2 + devices.length,
    };
  }

  private warn(message: string): void {
    if (Date.now() - this.lastWarnAt < 10_000) return;
    this.lastWarnAt = Date.now();
    this.logger.warn(message);
  }
}

/** One row per event key (an upsert may not touch a row twice): the latest outcome, the highest attempt. */
function latestEvents(batch: Entry[]): HistoryEventTuple[] {
  const byKey = new Map<string, HistoryEventTuple>();
  for (const { key, event } of batch) {
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, event);
    else if (seen[9] <= event[9]) {
      const merged: HistoryEventTuple = [...event];
      merged[8] = Math.max(event[8], seen[8]);
      merged[10] = event[10] ?? seen[10];
      byKey.set(key, merged);
    }
  }
  return byKey.size === batch.length ? batch.map((e) => e.event) : [...byKey.values()];
}

/** SQLSTATE classes of errors about the data or schema (22, 23, 42): retrying the same rows cannot help. */
function isPermanent(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|42)/.test(code);
}
