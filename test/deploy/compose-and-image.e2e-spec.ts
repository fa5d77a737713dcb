import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type AppName, loadConfig } from '@app/config';
import { interpolate, ROOT } from './manifests';

/* eslint-disable @typescript-eslint/no-explicit-any -- compose files are untyped YAML */
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const services: Record<string, any> = compose.services;

function envOf(service: string): Record<string, string> {
  const env = services[service].environment ?? {};
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(String(v))]));
}

/** `docker compose` (v2 plugin) or `docker-compose` (v1), whichever this machine has. */
function composeCli(): string[] | undefined {
  for (const cli of [['docker', 'compose'], ['docker-compose']]) {
    if (spawnSync(cli[0], [...cli.slice(1), 'version'], { stdio: 'ignore' }).status === 0) return cli;
  }
  return undefined;
}

describe('docker-compose.yml', () => {
  it('is accepted by `docker compose config` where a compose CLI exists', () => {
    const cli = composeCli();
    const result = cli
      ? spawnSync(cli[0], [...cli.slice(1), '-f', 'docker-compose.yml', 'config', '-q'], { cwd: ROOT, encoding: 'utf8' })
      : { status: 0, stderr: '' };
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('starts the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(['admin', 'dispatcher', 'fcm-emulator', 'ingest', 'migrate', 'postgres', 'redis']);
  });

  it('runs Redis with AOF fsynced every second, no eviction, on a volume', () => {
    const command = services.redis.command.join(' ');
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--appendfsync everysec/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(services.redis.volumes[0]).toMatch(/^redis-data:\/data$/);
    expect(services.postgres.volumes[0]).toMatch(/^postgres-data:/);
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['redis-data', 'postgres-data']));
  });

  it('migrates once before the apps start', () => {
    expect(services.migrate.command).toEqual(['node', 'dist/libs/persistence/src/cli/migrate.js']);
    expect(services.migrate.restart).toBe('no');
    for (const app of ['ingest', 'dispatcher', 'admin']) {
      expect(services[app].depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(services[app].depends_on.redis).toEqual({ condition: 'service_healthy' });
    }
  });

  it.each(['ingest', 'dispatcher'])('lets %s scale: no container name, no fixed host port', (service) => {
    expect(services[service].container_name).toBeUndefined();
    for (const port of services[service].ports ?? []) {
      const host = String(port).split(':').slice(0, -1).join(':');
      expect(host).toMatch(/\d+-\d+$/);
    }
  });

  it.each([
    ['ingest', 'ingest'],
    ['dispatcher', 'dispatcher'],
    ['admin', 'admin'],
  ] as Array<[string, AppName]>)('gives %s a command that exists and an environment its config accepts', (service, app) => {
    expect(services[service].command[0]).toBe('node');
    expect(services[service].command.at(-1)).toBe(`dist/apps/${service}/src/main.js`);
    if (service === 'ingest') expect(services[service].command).toContain('--max-old-space-size=192');
    expect(existsSync(join(ROOT, `apps/${service}/src/main.ts`))).toBe(true);
    expect(() => loadConfig(app, envOf(service))).not.toThrow();
    expect(services[service].healthcheck.test.join(' ')).toContain('/health/ready');
  });

  it('points the dispatcher at the FCM emulator by default', () => {
    const env = envOf('dispatcher');
    expect(env.FCM_EMULATOR_HOST).toBe(`fcm-emulator:${envOf('fcm-emulator').FCM_EMULATOR_PORT}`);
    expect(loadConfig('dispatcher', env).fcm.emulatorHost).toBe(env.FCM_EMULATOR_HOST);
    expect(services['fcm-emulator'].command).toEqual(['node', 'dist/tools/fcm-emulator/src/main.js']);
    expect(envOf('fcm-emulator').FCM_EMULATOR_BIND).toBe('0.0.0.0');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('builds on Node 22 slim in two stages', () => {
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage).toMatch(/^node:22-slim\b/);
    expect(stages[0]).toMatch(/RUN npm ci\b/);
    expect(stages[0]).toMatch(/RUN npm run build/);
  });

  it('ships only production dependencies and the build output, as the non-root node user', () => {
    const runtime = stages[1];
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    expect(runtime).not.toMatch(/COPY \. \./);
    expect(runtime).toMatch(/^USER node$/m);
    expect(dockerfile).not.toMatch(/npm install/);
  });

  it('keeps local state and secrets out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.env', '.data']));
  });
});
