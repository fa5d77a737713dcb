/**
 * `npm run demo`: against the running dev stack, does what a mobile app and AXP do (register a device,
 * send a signed callback) and shows the push arrive at the FCM emulator. Exits 1 when it does not.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { NOTIFICATIONS_QUEUE, notificationJobId } from '@app/queue/queue.constants';
import { devSettings, millisecondsFrom } from '../dev/dev-settings';
import { TerminalStyle } from '../dev/terminal-style';
import { basicAuth, networkProblem, pollUntil, request } from './demo-http';
import { humanDuration } from './human-duration';

interface RecordedRequest {
  at: number;
  projectId: string;
  token: string;
  status: number;
  message: { data?: Record<string, unknown>; [field: string]: unknown };
}
interface JobView {
  status: string;
  job: { id: string; attempts?: number; attemptsMade?: number; returnValue?: unknown; failedReason?: string };
}

class DemoFailure extends Error {}

const env = process.env;
const settings = settingsOrExit();

function settingsOrExit(): ReturnType<typeof devSettings> {
  try {
    return devSettings(env);
  } catch (error) {
    process.stderr.write(`demo: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
const { urls } = settings;
const style = TerminalStyle.forStream(process.stdout, env);
const timeoutMs = millisecondsFrom(env.DEMO_TIMEOUT_MS, 30_000);
const TERMINAL_STATES = new Set(['completed', 'failed']);

const say = (...lines: string[]): void => {
  process.stdout.write(lines.map((l) => `${l}\n`).join(''));
};
const detail = (...lines: string[]) => say(...lines.map((l) => `      ${l}`));
const step = (n: number, title: string) => say('', style.paint('bold', `[${n}/4] ${title}`));
const answer = (status: number, statusText: string, body: unknown) =>
  detail(`${style.paint(status < 300 ? 'green' : 'red', `← ${status} ${statusText}`)} ${typeof body === 'string' ? body : JSON.stringify(body)}`);
const indent = (json: unknown) => JSON.stringify(json, null, 2).split('\n');

async function checkStack(): Promise<void> {
  for (const [name, url] of [
    ['ingest', `${urls.ingest}/health/live`],
    ['FCM emulator', `${urls.emulator}/__emulator/stats`],
  ]) {
    try {
      const res = await request('GET', url, { timeoutMs: 3_000 });
      if (res.status !== 200) throw new Error(`answered ${res.status}`);
    } catch (error) {
      throw new DemoFailure(
        `the ${name} does not answer at ${url} (${networkProblem(error)}): start the stack first with \`npm run dev\` (same DEV_PORT_BASE)`,
      );
    }
  }
}

async function register(token: string, sessionId: string, customerId: string): Promise<void> {
  step(1, 'A mobile app registers its FCM device token for its AXP session');
  const url = `${urls.registrations}/${encodeURIComponent(token)}`;
  const body = { sessionId, customerId, platform: 'android' };
  detail(`PUT ${url}`, `Authorization: Bearer ${settings.apiKey}`, `${JSON.stringify(body)}`);
  const res = await request('PUT', url, { headers: { authorization: `Bearer ${settings.apiKey}` }, body });
  answer(res.status, res.statusText, res.body);
  if (res.status !== 200 && res.status !== 201) {
    throw new DemoFailure(`the registration was refused${res.status === 401 ? ': set REGISTRATION_API_KEYS as for npm run dev' : ''}`);
  }
}

async function sendCallback(event: Record<string, string>): Promise<void> {
  step(2, 'AXP posts a notification event to the callback URL, signed with the shared secret');
  // Exactly as the AXP documentation's Node.js example: HMAC-SHA256 of eventId + sessionId, hex, in X-hmac.
  const hmac = createHmac('sha256', settings.axpSecret).update(event.eventId + event.sessionId).digest('hex');
  detail(`POST ${urls.callback}`, `X-hmac: ${hmac}`, `       = HMAC-SHA256(key "${settings.axpSecret}", eventId + sessionId)`, ...indent(event));
  const res = await request('POST', urls.callback, { headers: { 'X-hmac': hmac }, body: event });
  answer(res.status, res.statusText, res.body);
  if (res.status !== 202) {
    throw new DemoFailure(`expected 202${res.status === 401 ? ': set AXP_SECRET as for npm run dev' : ''}`);
  }
}

/** The job through the admin app's dashboard API; undefined when the admin app does not answer. */
async function watchJob(jobId: string, until: () => number): Promise<JobView | undefined> {
  const url = `${urls.dashboard}/api/queues/${NOTIFICATIONS_QUEUE}/${encodeURIComponent(jobId)}`;
  const auth = basicAuth(settings.admin.username, settings.admin.password);
  let last: JobView | undefined;
  await pollUntil(async () => {
    const res = await request('GET', url, { headers: { authorization: auth } });
    if (res.status !== 200) return undefined;
    last = res.body as JobView;
    return TERMINAL_STATES.has(last.status) ? last : undefined;
  }, until);
  return last;
}

function showJob(jobId: string, view: JobView | undefined): void {
  step(3, `The job on the ${NOTIFICATIONS_QUEUE} queue (the dispatcher's work item)`);
  detail(`GET ${urls.dashboard}/api/queues/${NOTIFICATIONS_QUEUE}/${encodeURIComponent(jobId)}  (admin app, basic auth)`);
  if (!view) {
    detail(style.paint('yellow', `the admin app did not show job ${jobId} (is it running?)`));
    return;
  }
  detail(`id ${view.job.id}   state ${view.status}   attempts ${view.job.attemptsMade ?? view.job.attempts ?? 0}`);
  if (view.job.returnValue !== undefined) detail(`result ${JSON.stringify(view.job.returnValue)}`);
  if (view.job.failedReason) detail(style.paint('red', `failed: ${view.job.failedReason}`));
}

async function waitForPush(token: string, until: () => number): Promise<RecordedRequest | undefined> {
  const url = `${urls.emulator}/__emulator/requests?token=${encodeURIComponent(token)}`;
  return pollUntil(async () => {
    const res = await request('GET', url);
    const requests = (res.body as { requests?: RecordedRequest[] }).requests ?? [];
    return requests.find((r) => r.status === 200);
  }, until);
}

function showPush(push: RecordedRequest, event: Record<string, string>, sentAt: number): boolean {
  step(4, 'The FCM request the emulator received (what Firebase would deliver to the device)');
  detail(`POST /v1/projects/${push.projectId}/messages:send  → ${push.status}   ${humanDuration(push.at - sentAt)} after the callback`);
  detail(...indent({ message: push.message }));
  const data = push.message.data ?? {};
  say('');
  detail('data field        AXP event → FCM data');
  let all = true;
  for (const [key, value] of Object.entries(event)) {
    const same = data[key] === value;
    all &&= same;
    detail(`${key.padEnd(17)} ${same ? style.paint('green', 'same') : style.paint('red', `differs: ${JSON.stringify(data[key])}`)}`);
  }
  return all;
}

async function main(): Promise<void> {
  say(style.paint('bold', `AXP push demo against ${urls.ingest}`));
  await checkStack();
  const token = `demo-device-${randomBytes(16).toString('hex')}`;
  const customerId = 'customer-id-12345';
  const event = {
    eventId: randomUUID(),
    conversationId: randomUUID(),
    customerId,
    sessionId: randomUUID(),
    eventDate: new Date().toISOString(),
  };
  await register(token, event.sessionId, customerId);
  const sentAt = Date.now();
  await sendCallback(event);
  let deadline = Date.now() + timeoutMs;
  const jobId = notificationJobId(settings.configId, event.eventId);
  const pushed = waitForPush(token, () => deadline).then((push) => {
    // Once the push is there, the job view gets a moment to settle, not the whole timeout.
    if (push) deadline = Math.min(deadline, Date.now() + 3_000);
    return push;
  });
  const [job, push] = await Promise.all([watchJob(jobId, () => deadline), pushed]);
  showJob(jobId, job);
  if (!push) {
    step(4, 'The FCM request the emulator received');
    throw new DemoFailure(`no FCM request for the device arrived within ${timeoutMs / 1000} s (see the dispatcher's output)`);
  }
  if (!showPush(push, event, sentAt)) throw new DemoFailure("the FCM data does not carry the AXP event's fields");
  say('', style.paint('green', "Push delivered: the device would now fetch the conversation's content through the Omni SDK."));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const message = error instanceof DemoFailure ? error.message : `demo failed: ${networkProblem(error)}`;
    process.stderr.write(`\n${style.paint('red', `✗ ${message}`)}\n`);
    process.exit(1);
  },
);
