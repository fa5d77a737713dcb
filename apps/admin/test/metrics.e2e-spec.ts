import { MetricName, PushMetrics } from '@app/observability';
import { DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/queue';
import { type AdminTestApp, basicAuth, bootAdmin, parked, writeDeadLetter } from './admin-test-app';

describe('Admin /metrics and health (real Redis)', () => {
  let t: AdminTestApp;

  beforeAll(async () => {
    t = await bootAdmin();
  });

  afterAll(async () => {
    await t.close();
  });

  const scrape = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.body;
  };
  const sampleOf = (text: string, series: string) =>
    new RegExp(`^${series.replace(/[{}"=,.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1];

  it('exposes every axp_push_ family and the default process metrics after traffic', async () => {
    const entry = await writeDeadLetter(t.deadLetter);
    await parked(t.deadLetter, entry.id!);
    await t.app.inject({
      method: 'POST',
      url: '/admin/api/test-push',
      headers: { 'content-type': 'application/json', ...basicAuth() },
      payload: JSON.stringify({ sessionId: 'metrics-session' }),
    });
    // The ingest and dispatcher record through the same typed service.
    const metrics = t.app.get(PushMetrics);
    metrics.callbackReceived('default', 202);
    metrics.enqueueLatency(0.001);
    metrics.jobOutcome('delivered');
    metrics.fcmSend(0.02);
    metrics.fcmError('messaging/registration-token-not-registered');
    metrics.outboxWrite();
    metrics.outboxRelayed(1);

    const text = await scrape();
    for (const name of Object.values(MetricName)) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(sampleOf(text, `${MetricName.QueueJobs}{queue="${NOTIFICATIONS_QUEUE}",state="waiting"}`)).toBe('1');
    expect(sampleOf(text, `${MetricName.QueueJobs}{queue="${DEAD_LETTER_QUEUE}",state="dead-letter"}`)).toBe('1');
    expect(sampleOf(text, `${MetricName.TestPushesTotal}{config_id="default"}`)).toBe('1');
    expect(sampleOf(text, `${MetricName.CallbacksTotal}{config_id="default",status="202"}`)).toBe('1');
    expect(sampleOf(text, `${MetricName.JobsTotal}{outcome="delivered"}`)).toBe('1');
    expect(sampleOf(text, `${MetricName.FcmSendDurationSeconds}_count`)).toBe('1');
  });

  it('counts replays by channel and drops the replayed entry from the dead-letter depth', async () => {
    const entry = await writeDeadLetter(t.deadLetter);
    await parked(t.deadLetter, entry.id!);
    const before = sampleOf(await scrape(), `${MetricName.QueueJobs}{queue="${DEAD_LETTER_QUEUE}",state="dead-letter"}`);
    const res = await t.app.inject({
      method: 'POST',
      url: '/admin/api/dead-letter/replay',
      headers: { 'content-type': 'application/json', ...basicAuth() },
      payload: JSON.stringify({ ids: [entry.id] }),
    });
    expect(res.json().replayed).toBe(1);
    const after = await scrape();
    expect(Number(sampleOf(after, `${MetricName.QueueJobs}{queue="${DEAD_LETTER_QUEUE}",state="dead-letter"}`))).toBe(
      Number(before) - 1,
    );
    expect(sampleOf(after, `${MetricName.DeadLetterReplaysTotal}{via="api"}`)).toBe('1');
  });

  it('answers the probes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', info: { redis: { status: 'up' } } });
  });
});
