import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { loadConfig } from '@app/config';
import { HISTORY_BUFFER_CAP_ROWS, type HistoryAttemptInput, HistoryWriter } from './history-writer.service';
import type { HistoryRepository } from './history.repository';

const config = loadConfig('dispatcher', { AXP_SECRET: 's' });
const TOKEN = 'fcm-token-0123456789abcdefghijklmnopqrstuvwxyz';
/** An event's receipt time, the same in each of its attempts (as in the job). */
const RECEIVED = new Date().toISOString();

const attempt = (eventId: string, outcome = 'delivered', devices = 1): HistoryAttemptInput => ({
  configId: 'default',
  eventId,
  sessionId: 's',
  receivedAt: RECEIVED,
  attempt: 1,
  outcome,
  devices: Array.from({ length: devices }, () => ({ token: TOKEN, platform: 'android', outcome })),
});

describe('HistoryWriter', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let insert: jest.Mock;
  let registry: Registry;
  let writer: HistoryWriter;

  beforeEach(() => {
    insert = jest.fn().mockResolvedValue(undefined);
    registry = new Registry();
    writer = new HistoryWriter(config, { insert } as unknown as HistoryRepository, registry);
  });
  const dropped = async () => (await registry.getSingleMetric('axp_history_rows_dropped_total')!.get()).values;

  it('writes one batch per flush, one event row per event with its latest outcome, and never the full token', async () => {
    writer.record(attempt('e1', 'retrying'));
    writer.record({ ...attempt('e1', 'delivered'), attempt: 2 });
    writer.record(attempt('e2'));
    await writer.drain();
    expect(insert).toHaveBeenCalledTimes(1);
    const batch = insert.mock.calls[0][0];
    const [events, attempts, devices] = [JSON.parse(batch.events), JSON.parse(batch.attempts), JSON.parse(batch.devices)];
    // Tuples: [configId, eventId, sessionId, customerId, conversationId, receivedAt, storedIn, outcome, attempts, ...]
    expect(events.map((e: unknown[]) => [e[1], e[7], e[8]])).toEqual([
      ['e1', 'delivered', 2],
      ['e2', 'delivered', 1],
    ]);
    expect(events[0][5]).toBe(Date.parse(RECEIVED));
    expect(attempts).toHaveLength(3);
    expect(devices).toHaveLength(3);
    expect(JSON.stringify(insert.mock.calls)).not.toContain(TOKEN);
    expect(devices[0][5]).toHaveLength(43);
  });

  it('keeps the rows while Postgres is away and writes them once it answers', async () => {
    insert.mockRejectedValueOnce(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    writer.record(attempt('e1'));
    await writer.drain();
    expect(writer.pendingRows).toBe(3);
    await writer.drain();
    expect(writer.pendingRows).toBe(0);
    expect(insert).toHaveBeenCalledTimes(2);
    expect(JSON.parse(insert.mock.calls[1][0].events)[0][1]).toBe('e1');
  });

  it('drops and counts what does not fit the bounded buffer, without throwing', async () => {
    insert.mockRejectedValue(new Error('away'));
    const perEvent = 2 + 8;
    for (let i = 0; i < HISTORY_BUFFER_CAP_ROWS / perEvent + 5; i++) writer.record(attempt(`e${i}`, 'delivered', 8));
    expect(writer.pendingRows).toBeLessThanOrEqual(HISTORY_BUFFER_CAP_ROWS);
    expect(await dropped()).toEqual([expect.objectContaining({ labels: { reason: 'buffer-full' }, value: 5 * perEvent })]);
  });

  it('does nothing when HISTORY_ENABLED=false', async () => {
    const off = new HistoryWriter(loadConfig('dispatcher', { AXP_SECRET: 's', HISTORY_ENABLED: 'false' }), { insert } as unknown as HistoryRepository, new Registry());
    off.record(attempt('e1'));
    await off.drain();
    expect(off.pendingRows).toBe(0);
    expect(insert).not.toHaveBeenCalled();
  });
});
