/**
 * The dev runner's one output stream: every line prefixed with its coloured source (`[ingest]`),
 * app JSON logs made readable, Postgres server lines shortened.
 */
import { formatLogLine } from './log-line.formatter';
import type { Colour, TerminalStyle } from './terminal-style';

const PREFIX_WIDTH = '[fcm-emulator] '.length;
/** `2026-01-02 10:11:12.345 UTC [123] LOG:  message` → time, severity, message. */
const POSTGRES_LINE = /^\d{4}-\d{2}-\d{2} (\d{2}:\d{2}:\d{2}\.\d{3}) \S+ \[\d+\] (\w+):\s+(.*)$/;

export class DevOutput {
  /**
   * @param verbose LOG_LEVEL=debug or trace: the Postgres server's routine LOG lines too (start,
   * checkpoints, shutdown); otherwise only its warnings and errors.
   */
  constructor(
    readonly style: TerminalStyle,
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
    private readonly verbose = false,
  ) {}

  private emit(source: string, colour: Colour, lines: string[]): void {
    const prefix = this.style.paint(colour, `[${source}]`.padEnd(PREFIX_WIDTH));
    this.write(lines.map((line) => `${prefix}${line}\n`).join(''));
  }

  /** A line an app wrote. */
  app(source: string, colour: Colour, line: string, stream: 'stdout' | 'stderr'): void {
    const lines = formatLogLine(line, this.style);
    this.emit(source, colour, stream === 'stderr' && lines.length === 1 && lines[0] === line ? [this.style.paint('red', line)] : lines);
  }

  /** A line the Postgres server wrote. */
  postgres(line: string): void {
    const match = POSTGRES_LINE.exec(line);
    if (!match) return this.emit('postgres', 'blue', [line]);
    const [, time, severity, message] = match;
    if (severity === 'LOG' && !this.verbose) return;
    const level = severity === 'LOG' ? 'INFO ' : severity.padEnd(5);
    const painted = /ERROR|FATAL|PANIC/.test(severity) ? this.style.paint('red', level) : level;
    this.emit('postgres', 'blue', [`${this.style.paint('gray', time)} ${painted} ${message}`]);
  }

  /** The runner's own messages. */
  info(...lines: string[]): void {
    this.emit('dev', 'bold', lines);
  }

  warn(...lines: string[]): void {
    this.emit('dev', 'yellow', lines.map((l) => this.style.paint('yellow', l)));
  }

  error(...lines: string[]): void {
    this.emit('dev', 'red', lines.map((l) => this.style.paint('red', l)));
  }
}
