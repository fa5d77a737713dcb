/**
 * Standalone FCM emulator (`npm run start:fcm-emulator`). Env: FCM_EMULATOR_PORT (9099),
 * FCM_EMULATOR_BIND (127.0.0.1), FCM_EMULATOR_MAX_RECORDED (100000), LOG_LEVEL=debug for one line per request.
 */
import { startFcmEmulator } from './fcm-emulator';

function intFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`fcm-emulator: ${name} must be a non-negative integer, got '${raw}'\n`);
    process.exit(1);
  }
  return value;
}

async function main(): Promise<void> {
  const debug = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
  const emulator = await startFcmEmulator({
    port: intFrom('FCM_EMULATOR_PORT', 9099),
    host: process.env.FCM_EMULATOR_BIND ?? '127.0.0.1',
    maxRecorded: intFrom('FCM_EMULATOR_MAX_RECORDED', 100_000),
    log: debug ? (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) : undefined,
  });
  process.stdout.write(
    `fcm-emulator: FCM v1 on ${emulator.url} (POST /v1/projects/{projectId}/messages:send, control API under /__emulator/)\n`,
  );
  const stop = (signal: string) => {
    process.stdout.write(`fcm-emulator: ${signal}, closing\n`);
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: Error) => {
  process.stderr.write(`fcm-emulator: ${error.message}\n`);
  process.exit(1);
});
