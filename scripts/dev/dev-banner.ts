/**
 * What `npm run dev` prints once the stack is up: where to send callbacks, the dev credentials, and,
 * on the Postgres queue backend, what works differently there. Why each service was picked is said
 * once, at the start.
 */
import type { BackendPlan } from './backend-plan';
import type { DevSettings } from './dev-settings';
import { redactUrl } from './service-probe';

/** What QUEUE_BACKEND=postgres changes, for the dev output and the README. */
export const POSTGRES_BACKEND_NOTES = [
  'delivery ledger: kept in the delivery_ledger table instead of Redis keys, same guarantees',
  'outbox fallback has nothing to add: the queue and the outbox live in the same Postgres',
  "dashboard: Bull Board shows Postgres statistics instead of Redis's; QUEUE_PREFIX does not apply (BullMQ keeps its tables in the 'bullmq' schema)",
  'meant for development and small single-node installs, not for throughput: production runs the queue on Redis',
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
    '',
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
    lines.push('', '  On the Postgres queue backend:', ...POSTGRES_BACKEND_NOTES.map((note) => `    - ${note}`));
  }
  lines.push('', '  Try it: npm run demo   (in another terminal)      Stop: Ctrl-C', '');
  return lines;
}
