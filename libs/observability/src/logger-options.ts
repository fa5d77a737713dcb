import pino, { type DestinationStream, type Logger as PinoLogger, stdTimeFunctions } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '@app/config';
import { maskToken } from './mask-token';

/** Fields whose values are tokens: logged truncated so two devices can still be told apart. */
const TOKEN_KEYS = ['deviceToken', 'token', 'tokens', 'pendingTokens', 'undeliveredTokens'];
/** Fields whose values are credentials: never logged at all. */
const SECRET_KEYS = ['secret', 'secrets', 'password', 'apiKey', 'privateKey', 'private_key', 'credentials'];
const SECRET_HEADERS = ['authorization', 'x-hmac', 'x-api-key', 'cookie', 'proxy-authorization'];

/** Redaction paths for pino: the keys above at the top of a log object and one level down, plus request headers. */
export const REDACT_PATHS: string[] = [
  ...SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`]),
  ...[...TOKEN_KEYS, ...SECRET_KEYS].flatMap((key) => [key, `*.${key}`]),
];

const TOKEN_KEY_SET = new Set(TOKEN_KEYS);

/** What pino writes instead of a redacted value. */
export function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  if (!TOKEN_KEY_SET.has(key)) return '[redacted]';
  if (typeof value === 'string') return maskToken(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? maskToken(v) : '[redacted]'));
  return '[redacted]';
}

/**
 * Nest's own start-up lines (modules loaded, routes mapped, application started): written at debug,
 * not info, so a start shows the app's own lines; LOG_LEVEL=debug brings them back.
 */
export const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);
const INFO = 30;

function isFrameworkLine(first: unknown): boolean {
  const context = typeof first === 'object' && first !== null ? (first as { context?: unknown }).context : undefined;
  return typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context);
}

/**
 * pino-http options of every app: JSON lines at the configured level, secrets and tokens
 * redacted, and no automatic request lines (the callback path logs its own one line).
 */
export function pinoHttpOptions(config: AppConfig): Options {
  return {
    level: config.logLevel,
    autoLogging: false,
    quietReqLogger: true,
    base: { app: config.app },
    messageKey: 'msg',
    timestamp: stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor },
    hooks: {
      logMethod(args, method, level) {
        // pino's debug() is a no-op below debug level, so these lines then vanish.
        if (level === INFO && isFrameworkLine(args[0])) return this.debug(...args);
        return method.apply(this, args);
      },
    },
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/**
 * A logger for the per-callback and per-job lines of the hot paths: the same JSON shape as the
 * app's logs, without the redaction pass (those lines carry only ids, never tokens or secrets), and
 * written in batches of about 32 KiB (a hundred-odd lines), flushed at least every second and at
 * exit, instead of one write(2) per line: on a busy dispatcher each write(2) is a context switch.
 */
export function createEventLogger(config: AppConfig, context: string, destination?: DestinationStream): PinoLogger {
  return pino(
    {
      level: config.logLevel,
      base: { app: config.app, context },
      messageKey: 'msg',
      timestamp: stdTimeFunctions.isoTime,
    },
    destination ?? bufferedStdout(),
  );
}

/**
 * stdout through sonic-boom in its buffer mode, each line handed over as a Buffer: in its default
 * (string) mode sonic-boom appends every line to the pending chunk and measures that whole chunk
 * (Buffer.byteLength of up to 64 KiB) on each write, which was 4 % of the ingest's CPU.
 */
function bufferedStdout(): DestinationStream {
  const stream = pino.destination({ fd: 1, sync: false, minLength: 32 * 1024, maxWrite: 64 * 1024, contentMode: 'buffer' });
  setInterval(() => stream.flush(), 1000).unref();
  process.once('exit', () => {
    try {
      stream.flushSync();
    } catch {
      // stdout already gone: nothing more can be written
    }
  });
  return { write: (line: string) => stream.write(Buffer.from(line) as unknown as string) };
}
