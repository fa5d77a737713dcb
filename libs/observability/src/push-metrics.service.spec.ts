import { Registry } from 'prom-client';
import { AxpConfigurationRegistry, loadConfig } from '@app/config';
import { MetricName } from './metrics.constants';
import { PushMetrics } from './push-metrics.service';

describe('PushMetrics', () => {
  let registry: Registry;
  let metrics: PushMetrics;

  beforeEach(() => {
    registry = new Registry();
    const config = loadConfig('ingest', { AXP_SECRET: 's', REGISTRATION_API_KEYS: 'k', AXP_CONFIG_ID: 'tenant-a' });
    metrics = new PushMetrics(registry, new AxpConfigurationRegistry(config));
  });

  const value = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const sample = (metric?.values ?? []).find((v) =>
      Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
    );
    return sample?.value;
  };

  it('registers every family under the axp_push_ prefix', async () => {
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    for (const name of Object.values(MetricName).filter((n) => !n.startsWith('axp_push_queue_'))) {
      expect(names).toContain(name);
    }
    expect(names.every((n) => n.startsWith('axp_push_'))).toBe(true);
  });

  it('counts callbacks by configuration and status, folding unknown ids into one label', async () => {
    metrics.callbackReceived('tenant-a', 202);
    metrics.callbackReceived('tenant-a', 202);
    metrics.callbackReceived('made-up-1', 404);
    metrics.callbackReceived('made-up-2', 404);
    expect(await value(MetricName.CallbacksTotal, { config_id: 'tenant-a', status: '202' })).toBe(2);
    expect(await value(MetricName.CallbacksTotal, { config_id: 'unknown', status: '404' })).toBe(2);
  });

  it('starts every job outcome at zero so rates exist before the first job', async () => {
    expect(await value(MetricName.JobsTotal, { outcome: 'dead-lettered' })).toBe(0);
    metrics.jobOutcome('delivered', 3);
    metrics.jobOutcome('no-device');
    expect(await value(MetricName.JobsTotal, { outcome: 'delivered' })).toBe(3);
    expect(await value(MetricName.JobsTotal, { outcome: 'no-device' })).toBe(1);
  });

  it('observes latencies in seconds', async () => {
    metrics.enqueueLatency(0.002);
    metrics.fcmSend(0.04);
    metrics.fcmSend(0.06);
    expect(await value(`${MetricName.EnqueueDurationSeconds}`, { le: '0.0025' })).toBe(1);
    const text = await registry.getSingleMetricAsString(MetricName.FcmSendDurationSeconds);
    expect(text).toContain(`${MetricName.FcmSendDurationSeconds}_count 2`);
    expect(text).toMatch(new RegExp(`${MetricName.FcmSendDurationSeconds}_sum 0\\.1`));
  });

  it('bounds FCM error codes to well-formed values', async () => {
    metrics.fcmError('messaging/registration-token-not-registered');
    metrics.fcmError('not a code {with} "quotes"');
    expect(await value(MetricName.FcmErrorsTotal, { code: 'messaging/registration-token-not-registered' })).toBe(1);
    expect(await value(MetricName.FcmErrorsTotal, { code: 'other' })).toBe(1);
  });

  it('counts the outbox and operator actions', async () => {
    metrics.outboxWrite();
    metrics.outboxRelayed(5);
    metrics.outboxRelayed(0);
    metrics.deadLetterReplayed('api', 2);
    metrics.testPushEnqueued('tenant-a');
    expect(await value(MetricName.OutboxWritesTotal)).toBe(1);
    expect(await value(MetricName.OutboxRelayedTotal)).toBe(5);
    expect(await value(MetricName.DeadLetterReplaysTotal, { via: 'api' })).toBe(2);
    expect(await value(MetricName.TestPushesTotal, { config_id: 'tenant-a' })).toBe(1);
  });
});
