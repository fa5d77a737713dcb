/**
 * Child process that owns the embedded Postgres of `npm run dev` (forked by embedded-postgres.ts).
 * It lives in its own process group, so Ctrl-C reaches the apps first and the database stops last.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export interface EmbeddedPostgresRequest {
  dataDir: string;
  port: number;
  password: string;
  /** Major version of the binaries, as `postgres --version` reports it. */
  binaryMajor: string;
}

export type EmbeddedPostgresMessage =
  | { type: 'ready'; initialised: boolean; notes: string[] }
  | { type: 'failed'; message: string };

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const SERVER_USER = 'postgres';
const isRoot = process.getuid?.() === 0;

function send(message: EmbeddedPostgresMessage): void {
  process.send?.(message);
}

function systemUser(name: string): { uid: number; gid: number } | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** The first existing ancestor of `dir` that the server's user could not enter, if any. */
function closedAncestor(dir: string): string | undefined {
  for (let current = dirname(dir); ; current = dirname(current)) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return current;
    if (dirname(current) === current) return undefined;
  }
}

/** Refuses data the binaries cannot open, or a data folder a running server already holds. */
function checkDataDir(request: EmbeddedPostgresRequest): boolean {
  const { dataDir } = request;
  const versionFile = `${dataDir}/PG_VERSION`;
  if (!existsSync(versionFile)) {
    if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
      throw new Error(`${dataDir} is not empty and holds no Postgres cluster: move it away (or set DEV_DATA_DIR)`);
    }
    return false;
  }
  const major = readFileSync(versionFile, 'utf8').trim();
  if (major !== request.binaryMajor) {
    throw new Error(
      `${dataDir} was created by Postgres ${major}, the embedded binaries are ${request.binaryMajor}: delete the folder to start afresh`,
    );
  }
  const pidFile = `${dataDir}/postmaster.pid`;
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new Error(
        `a Postgres server (pid ${pid}) already runs on ${dataDir}: is another \`npm run dev\` running? Stop it first`,
      );
    }
  }
  return true;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function main(): Promise<void> {
  // The runner going away (even killed) must not leave the server behind: SIGTERM runs
  // embedded-postgres's exit hook, which stops the server.
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  const request = JSON.parse(process.env.EMBEDDED_POSTGRES_REQUEST ?? '{}') as EmbeddedPostgresRequest;
  const notes: string[] = [];
  // Postgres refuses to run as root; embedded-postgres then runs it as the system user 'postgres'.
  const user = isRoot ? systemUser(SERVER_USER) : undefined;
  if (isRoot) {
    const closed = closedAncestor(request.dataDir);
    if (closed) throw new Error(`the '${SERVER_USER}' user cannot enter ${closed}: set DEV_DATA_DIR to a folder it can reach`);
    if (!user) notes.push(`created the system user '${SERVER_USER}' to run the embedded server (Postgres refuses to run as root)`);
  }
  const exists = checkDataDir(request);
  // Parents keep the default mode (the server's user must be able to enter them); the cluster is private.
  mkdirSync(dirname(request.dataDir), { recursive: true });
  if (!existsSync(request.dataDir)) mkdirSync(request.dataDir, { mode: 0o700 });
  if (user) chownSync(request.dataDir, user.uid, user.gid);

  const initdbOutput: string[] = [];
  let initialising = false;
  const { default: EmbeddedPostgres } = createRequire(__filename)('embedded-postgres') as { default: EmbeddedPostgresClass };
  const server = new EmbeddedPostgres({
    databaseDir: request.dataDir,
    port: request.port,
    user: SERVER_USER,
    password: request.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot && !user,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => {
      if (initialising) initdbOutput.push(message);
      else process.stdout.write(message.endsWith('\n') ? message : `${message}\n`);
    },
    onError: (error: unknown) => process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`),
  });
  if (!exists) {
    initialising = true;
    try {
      await server.initialise();
    } catch (error) {
      process.stderr.write(initdbOutput.join(''));
      throw error;
    }
    initialising = false;
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      error instanceof Error ? error.message : `the server stopped during start (port ${request.port} taken?); see its log above`,
    );
  }
  send({ type: 'ready', initialised: !exists, notes });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
