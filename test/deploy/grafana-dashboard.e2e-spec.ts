import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOB_OUTCOMES, MetricName, QUEUE_STATES } from '@app/observability';
import { DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/queue';
import { ROOT } from './manifests';

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

describe('Grafana dashboard (deploy/grafana)', () => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/axp-push-dashboard.json'), 'utf8'));
  const panels: Panel[] = dashboard.panels;
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const families = new Set(exprs.flatMap((e) => e.match(/axp_push_[a-z_]+/g) ?? []).map((n) => n.replace(/_(bucket|sum|count)$/, '')));

  it('is a dashboard with a Prometheus data source variable and queried panels', () => {
    expect(dashboard.uid).toBe('axp-push');
    expect(dashboard.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    expect(exprs.length).toBeGreaterThanOrEqual(15);
    expect(panels.filter((p) => p.type !== 'row').every((p) => (p.targets ?? []).length > 0)).toBe(true);
  });

  it('uses only metric names the code exports', () => {
    const known = new Set<string>(Object.values(MetricName));
    expect([...families].filter((name) => !known.has(name))).toEqual([]);
  });

  it('shows every family of the issue', () => {
    for (const name of [
      MetricName.CallbacksTotal,
      MetricName.EnqueueDurationSeconds,
      MetricName.JobsTotal,
      MetricName.FcmSendDurationSeconds,
      MetricName.FcmErrorsTotal,
      MetricName.QueueJobs,
      MetricName.OutboxWritesTotal,
      MetricName.OutboxRelayedTotal,
    ]) {
      expect(families).toContain(name);
    }
  });

  it('filters on label values the code produces', () => {
    const values = (label: string) => exprs.flatMap((e) => [...e.matchAll(new RegExp(`${label}="([^"]+)"`, 'g'))].map((m) => m[1]));
    expect(values('outcome').every((v) => (JOB_OUTCOMES as readonly string[]).includes(v))).toBe(true);
    expect(values('state').every((v) => (QUEUE_STATES as readonly string[]).includes(v))).toBe(true);
    expect(values('queue').every((v) => [NOTIFICATIONS_QUEUE, DEAD_LETTER_QUEUE].includes(v))).toBe(true);
    expect(values('state').length + values('outcome').length + values('queue').length).toBeGreaterThan(0);
  });
});
