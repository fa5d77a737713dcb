/**
 * What `npm run dev` prints once the stack is up: where to send callbacks, the dev credentials, and,
 * on the Postgres queue backend, what works differently there. Why each service was picked is said
 * once, at the start.
 */
import type { BackendPlan } from './backend-plan';
import type { DevSettings } from './dev-settings';
import { redactUrl } from './service-probe';

/** What QUEUE_BACKEND=postgres changes, in two lines of the dev banner (docs/development.md has the rest). */
export const POSTGRES_BACKEND_NOTES = [
  'delivery ledger: kept in the delivery_ledger table instead of Redis keys; no outbox fallback (same Postgres)',
  'Bull Board shows Postgres statistics; QUEUE_PREFIX does not apply; for development, not for throughput',
];

export interface BannerInput {
  settings: DevSettings;
  plan: BackendPlan;
  databaseUrl: string;
  embeddedDataDir?: string;
}

export function bannerLines({ settings, plan, databaseUrl, embeddedDataDir }: BannerInput): string[] {
  const { urls, admin } = settings;
  const postgres =
    plan.database.kind === 'embedded'
      ? `embedded, ${redactUrl(databaseUrl)} (data in ${embeddedDataDir ?? settings.dataDir})`
      : redactUrl(databaseUrl);
  const queue =
    plan.queue.backend === 'redis'
      ? `Redis ${redactUrl(plan.queue.redisUrl)} (prefix ${settings.queuePrefix})`
      : 'BullMQ PostgreSQL backend (QUEUE_BACKEND=postgres), no Redis';
  const lines = [
    '',
    'AXP push connector: dev stack is up',
    `  AXP callback URL     ${urls.callback}`,
    `                       (also ${urls.sampleCallback})`,
    `  AXP secret (X-hmac)  ${settings.axpSecret}`,
    `  Registration API     PUT ${urls.registrations}/{deviceToken}`,
    `  Registration key     Authorization: Bearer ${settings.apiKey}`,
    `  Dashboard            ${urls.dashboard}   user ${admin.username}, password ${admin.password}`,
    `  FCM emulator         ${urls.emulator}/__emulator/requests   (project ${settings.fcmProjectId})`,
    `  Postgres             ${postgres}`,
    `  Queue                ${queue}`,
  ];
  if (plan.queue.backend === 'postgres') {
    lines.push('  On the Postgres queue backend:', ...POSTGRES_BACKEND_NOTES.map((note) => `    - ${note}`));
  }
  lines.push('', '  Try it: npm run demo   (in another terminal)      Stop: Ctrl-C', '');
  return lines;
}
