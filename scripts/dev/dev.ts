/**
 * `npm run dev`: the whole connector on one machine (ingest, dispatcher, admin, FCM emulator) on the
 * local Redis/Postgres when they answer, else on an embedded Postgres with the queue inside it.
 */
import { DevOutput } from './dev-output';
import { devSettings, millisecondsFrom } from './dev-settings';
import { DevStack } from './dev-stack';
import { DevStackError } from './dev-stack.error';
import { PlanError } from './backend-plan';
import { TerminalStyle } from './terminal-style';

const HELP = `Usage: npm run dev [-- --embedded]

Starts ingest, dispatcher, admin and the FCM emulator with dev settings and prefixed, readable logs.
Ctrl-C stops them all (and the embedded Postgres).

  --embedded   ignore local Redis/Postgres: embedded Postgres, queue on BullMQ's PostgreSQL backend

Environment (all optional):
  DATABASE_URL, REDIS_URL     use these services (they must answer)
  QUEUE_BACKEND=postgres      run the queue on Postgres even when Redis answers
  DEV_DATABASE_URL            the local Postgres to probe (postgres://postgres@127.0.0.1:5432/postgres)
  DEV_REDIS_URL               the local Redis to probe (redis://127.0.0.1:6379)
  DEV_PORT_BASE               ports base..base+4 for ingest, dispatcher, admin, emulator, embedded Postgres
                              (default 3000, 3001, 3002, 9099, 5433)
  DEV_DATA_DIR                embedded Postgres data (default .data)
  AXP_SECRET, REGISTRATION_API_KEYS, ADMIN_USERNAME, ADMIN_PASSWORD, LOG_LEVEL   override the dev values
`;

const SIGNAL_ECHO_MS = 1_000;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const unknown = args.filter((arg) => arg !== '--embedded');
  if (unknown.length > 0) {
    process.stderr.write(`dev: unknown argument ${unknown.join(' ')}\n\n${HELP}`);
    process.exit(2);
  }
  const env = process.env;
  let settings: ReturnType<typeof devSettings>;
  try {
    settings = devSettings(env);
  } catch (error) {
    process.stderr.write(`dev: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const verbose = ['debug', 'trace'].includes(env.LOG_LEVEL?.trim().toLowerCase() ?? '');
  const output = new DevOutput(TerminalStyle.forStream(process.stdout, env), undefined, verbose);
  const stack = new DevStack(settings, env, output, {
    embedded: args.includes('--embedded'),
    startTimeoutMs: millisecondsFrom(env.DEV_START_TIMEOUT_MS, 120_000),
  });

  const shutdown = (code: number, reason: string): void => {
    if (stack.isStopping) return;
    output.info(`${reason}: stopping the stack`);
    void stack.stop().then(() => {
      output.info('stopped');
      process.exit(code);
    });
  };
  let firstSignalAt = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!stack.isStopping) {
        firstSignalAt = Date.now();
        return shutdown(0, signal);
      }
      // One Ctrl-C often arrives twice (from the terminal and forwarded by npm): only a later one forces.
      if (Date.now() - firstSignalAt < SIGNAL_ECHO_MS) return;
      output.warn(`${signal} again: killing everything now`);
      stack.kill();
      process.exit(130);
    });
  }

  try {
    await stack.start();
    const dead = await stack.firstExit();
    shutdown(1, `${dead.spec.name} exited`);
  } catch (error) {
    if (stack.isStopping) return;
    const known = error instanceof PlanError || error instanceof DevStackError;
    output.error(known ? (error as Error).message : `start failed: ${(error as Error).stack ?? String(error)}`);
    shutdown(1, 'start failed');
  }
}

void main();
