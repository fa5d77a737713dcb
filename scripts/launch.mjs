/**
 * Entry of `npm run dev`, `npm run demo` and `npm run openapi`: builds when dist/ is missing or older
 * than a source file, then runs the built script in this same process (so signals reach it directly).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The folders tsconfig.build.json compiles (tests and specs excluded, as there). */
const SOURCE_ROOTS = ['apps', 'libs', 'tools', 'bench', 'scripts'];
const LOCK_STALE_MS = 5 * 60_000;
/** The demo talks to a running stack over HTTP: only its own sources decide whether to build. */
const ENTRIES = {
  dev: { entry: 'dist/scripts/dev/dev.js', sourceRoots: SOURCE_ROOTS },
  demo: { entry: 'dist/scripts/demo/demo.js', sourceRoots: ['scripts'] },
  openapi: { entry: 'dist/scripts/openapi/openapi.js', sourceRoots: SOURCE_ROOTS },
};

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test' && entry.name !== 'node_modules') yield* sources(path);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

/** The first source whose compiled file is missing or older, or undefined when dist/ is current. */
export function staleSource(root = ROOT, sourceRoots = SOURCE_ROOTS) {
  for (const sourceRoot of sourceRoots) {
    const dir = join(root, sourceRoot);
    if (!existsSync(dir)) continue;
    for (const source of sources(dir)) {
      const rel = relative(root, source);
      // apps/<app>/src, libs/<lib>/src and tools/<tool>/src only, as tsconfig.build.json includes.
      if (/^(apps|libs|tools)\//.test(rel) && !/^(apps|libs|tools)\/[^/]+\/src\//.test(rel)) continue;
      const built = join(root, 'dist', rel.replace(/\.ts$/, '.js'));
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) return rel;
      // A build whose tsc step failed leaves the @app/* aliases unresolved (tsc-alias never ran).
      if (readFileSync(built, 'utf8').includes('require("@app/')) return rel;
    }
  }
  return undefined;
}

/** Runs `fn` while holding a lock folder, so two launchers starting together do not build at once. */
function withBuildLock(root, fn) {
  const lock = join(root, 'node_modules', '.cache', 'axp-push-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock older than any build is a leftover of a killed launcher.
      if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function buildIfStale(root = ROOT, sourceRoots = SOURCE_ROOTS) {
  if (staleSource(root, sourceRoots) === undefined) return;
  const status = withBuildLock(root, () => {
    // Another launcher may have built while this one waited for the lock.
    const stale = staleSource(root, sourceRoots);
    if (stale === undefined) return 0;
    process.stdout.write(`[dev] building first: dist/ is missing or older than ${stale}\n`);
    // --silent: npm's own header lines add nothing; tsc's errors still show.
    const npmCli = process.env.npm_execpath;
    const result = npmCli
      ? spawnSync(process.execPath, [npmCli, 'run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
      : spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    return result.status ?? 1;
  });
  if (status !== 0) {
    process.stderr.write('[dev] the build failed (see above)\n');
    process.exit(status);
  }
}

const [name, ...rest] = process.argv.slice(2);
if (name !== undefined) {
  const script = ENTRIES[name];
  if (!script) {
    process.stderr.write(`launch: unknown script '${name}' (one of: ${Object.keys(ENTRIES).join(', ')})\n`);
    process.exit(2);
  }
  const entry = join(ROOT, script.entry);
  if (existsSync(entry)) buildIfStale(ROOT, script.sourceRoots);
  else buildIfStale(ROOT);
  process.argv = [process.argv[0], entry, ...rest];
  createRequire(import.meta.url)(entry);
}
