/** Gives the run a results file that every scenario appends its figures to. */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup(): void {
  const file = join(tmpdir(), `axp-faults-results-${process.pid}.jsonl`);
  writeFileSync(file, '');
  process.env.FAULTS_RESULTS_FILE = file;
}
