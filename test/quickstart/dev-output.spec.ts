import { DevOutput } from '../../scripts/dev/dev-output';
import { TerminalStyle } from '../../scripts/dev/terminal-style';

const START = [
  '2026-11-30 18:32:57.274 UTC [3541] LOG:  starting PostgreSQL 18.4 on x86_64-pc-linux-gnu',
  '2026-11-30 18:32:57.477 UTC [3541] LOG:  database system is ready to accept connections',
  '2026-11-30 18:32:58.001 UTC [3600] WARNING:  there is no transaction in progress',
  '2026-11-30 18:32:58.002 UTC [3600] FATAL:  password authentication failed for user "postgres"',
];

function capture(verbose: boolean): string[] {
  const written: string[] = [];
  const output = new DevOutput(new TerminalStyle(false), (text) => written.push(text), verbose);
  for (const line of START) output.postgres(line);
  return written.join('').split('\n').filter(Boolean);
}

describe("DevOutput: the embedded Postgres server's lines", () => {
  it('shows only warnings and errors by default', () => {
    expect(capture(false)).toEqual([
      '[postgres]     18:32:58.001 WARNING there is no transaction in progress',
      '[postgres]     18:32:58.002 FATAL password authentication failed for user "postgres"',
    ]);
  });

  it('shows the routine LOG lines too when verbose (LOG_LEVEL=debug)', () => {
    const lines = capture(true);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('[postgres]     18:32:57.274 INFO  starting PostgreSQL 18.4 on x86_64-pc-linux-gnu');
  });
});
