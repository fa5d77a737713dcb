/**
 * `npm run openapi` writes docs/openapi.json from the apps' code; `npm run openapi -- --check`
 * exits 1 when the checked-in file differs from a fresh generation (CI runs it).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generateOpenApi } from './openapi-document';

export const OPENAPI_FILE = join(__dirname, '..', '..', '..', 'docs', 'openapi.json');

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const fresh = await generateOpenApi();
  const name = relative(process.cwd(), OPENAPI_FILE);
  if (!check) {
    writeFileSync(OPENAPI_FILE, fresh);
    process.stdout.write(`openapi: wrote ${name}\n`);
    return;
  }
  const current = existsSync(OPENAPI_FILE) ? readFileSync(OPENAPI_FILE, 'utf8') : '';
  if (current !== fresh) {
    process.stderr.write(`openapi: ${name} differs from the routes in the code; run \`npm run openapi\` and commit it\n`);
    process.exit(1);
  }
  process.stdout.write(`openapi: ${name} is up to date\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`openapi: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
