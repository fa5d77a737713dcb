/**
 * Turns the apps' pino JSON lines into one readable line: time, level, context, message and the
 * fields that say what happened. Anything that is not a pino line passes through unchanged.
 */
import type { Colour, TerminalStyle } from './terminal-style';

const LEVELS: Record<number, { name: string; colour?: Colour }> = {
  10: { name: 'TRACE', colour: 'gray' },
  20: { name: 'DEBUG', colour: 'gray' },
  30: { name: 'INFO' },
  40: { name: 'WARN', colour: 'yellow' },
  50: { name: 'ERROR', colour: 'red' },
  60: { name: 'FATAL', colour: 'red' },
};

/** pino's own fields and those the prefix already says. */
const HIDDEN = new Set(['level', 'time', 'msg', 'message', 'pid', 'hostname', 'app', 'context', 'err', 'error', 'v']);
const MAX_VALUE_LENGTH = 120;

type LogRecord = Record<string, unknown>;

function parse(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && 'level' in value) return value as LogRecord;
  } catch {
    // not JSON after all: shown as it is
  }
  return undefined;
}

function clock(time: unknown): string {
  const date = typeof time === 'number' || typeof time === 'string' ? new Date(time) : new Date();
  const valid = Number.isNaN(date.getTime()) ? new Date() : date;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(valid.getHours())}:${pad(valid.getMinutes())}:${pad(valid.getSeconds())}.${pad(valid.getMilliseconds(), 3)}`;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? (/[\s"=]/.test(value) ? JSON.stringify(value) : value) : JSON.stringify(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/** `key=value` pairs; request/response objects are flattened one level (req.method=PUT). */
function fields(record: LogRecord): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (HIDDEN.has(key) || value === undefined) continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && (key === 'req' || key === 'res')) {
      for (const [inner, innerValue] of Object.entries(value)) {
        if (innerValue !== undefined && inner !== 'id') out.push(`${key}.${inner}=${show(innerValue)}`);
      }
      continue;
    }
    out.push(`${key}=${show(value)}`);
  }
  return out;
}

function errorText(record: LogRecord): { summary?: string; stack?: string } {
  const err = (record.err ?? record.error) as { type?: string; message?: string; stack?: string } | string | undefined;
  if (err === undefined) return {};
  if (typeof err === 'string') return { summary: err };
  return { summary: `${err.type ?? 'Error'}: ${err.message ?? ''}`, stack: err.stack };
}

/** One or more display lines for one output line of an app. */
export function formatLogLine(line: string, style: TerminalStyle): string[] {
  const record = parse(line);
  if (!record) return [line];
  const level = typeof record.level === 'number' ? LEVELS[record.level] : undefined;
  const levelName = level?.name ?? String(record.level).toUpperCase();
  const levelText = level?.colour ? style.paint(level.colour, levelName.padEnd(5)) : levelName.padEnd(5);
  const context = typeof record.context === 'string' ? `${style.paint('gray', record.context)} ` : '';
  const message = String(record.msg ?? record.message ?? '');
  const err = errorText(record);
  const extra = [...fields(record), ...(err.summary ? [`err=${show(err.summary)}`] : [])];
  const head = `${style.paint('gray', clock(record.time))} ${levelText} ${context}${message}`;
  const lines = [extra.length ? `${head} ${style.paint('gray', extra.join(' '))}` : head];
  if (err.stack && typeof record.level === 'number' && record.level >= 50) {
    lines.push(...err.stack.split('\n').slice(1, 6).map((l) => style.paint('gray', `    ${l.trim()}`)));
  }
  return lines;
}
