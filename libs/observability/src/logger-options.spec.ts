import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '@app/config';
import { pinoHttpOptions } from './logger-options';

const TOKEN = 'dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx8-pQ9X4bLRn0VvSYxR6Ph3TWyZ8';

function capture(level = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const config = loadConfig('dispatcher', { LOG_LEVEL: level });
  const { autoLogging: _a, quietReqLogger: _q, ...options } = pinoHttpOptions(config);
  return { logger: pino(options as pino.LoggerOptions, stream), lines };
}

describe('pinoHttpOptions', () => {
  it('writes JSON lines with the app, an ISO time and the message', () => {
    const { logger, lines } = capture();
    logger.info({ eventId: 'e1', configId: 'c1', sessionId: 's1' }, 'delivered');
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ app: 'dispatcher', msg: 'delivered', eventId: 'e1', configId: 'c1', sessionId: 's1' });
    expect(Date.parse(line.time)).not.toBeNaN();
  });

  it('truncates device tokens, alone or in lists, at the top level and one level down', () => {
    const { logger, lines } = capture();
    logger.info({ deviceToken: TOKEN, job: { pendingTokens: [TOKEN, TOKEN] }, result: { token: TOKEN } }, 'x');
    expect(lines[0]).not.toContain(TOKEN);
    const line = JSON.parse(lines[0]);
    expect(line.deviceToken).toBe('dQw4w9…WyZ8');
    expect(line.job.pendingTokens).toEqual(['dQw4w9…WyZ8', 'dQw4w9…WyZ8']);
    expect(line.result.token).toBe('dQw4w9…WyZ8');
  });

  it('removes secrets and credential headers', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        secret: 'shared-secret',
        configuration: { secrets: ['a-secret'], password: 'pw' },
        headers: { authorization: 'Basic YWRtaW46cHc=', 'x-hmac': 'abcdef', 'x-api-key': 'key-1', accept: '*/*' },
      },
      'x',
    );
    for (const secret of ['shared-secret', 'a-secret', '"pw"', 'YWRtaW46cHc', 'abcdef', 'key-1']) {
      expect(lines[0]).not.toContain(secret);
    }
    expect(JSON.parse(lines[0]).headers.accept).toBe('*/*');
  });

  it('logs a request as method, url and id only (no headers at all)', () => {
    const { logger, lines } = capture();
    logger.info({ req: { id: 1, method: 'POST', url: '/v1/axp/x/notifications', headers: { 'x-hmac': 'abcdef' } } }, 'x');
    expect(JSON.parse(lines[0]).req).toEqual({ id: 1, method: 'POST', url: '/v1/axp/x/notifications' });
  });

  it('honours the configured level', () => {
    const { logger, lines } = capture('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
  });
});

describe("Nest's start-up lines", () => {
  it("are left out at info; the apps' own lines and framework warnings stay", () => {
    const { logger, lines } = capture('info');
    logger.info({ context: 'InstanceLoader' }, 'AppModule dependencies initialized');
    logger.info({ context: 'RouterExplorer' }, 'Mapped {/health/live, GET} route');
    logger.info({ context: 'NestApplication' }, 'Nest application successfully started');
    logger.info({ context: 'DatabaseConnector' }, 'connected to Postgres');
    logger.warn({ context: 'InstanceLoader' }, 'a framework warning stays');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['connected to Postgres', 'a framework warning stays']);
  });

  it('come back, at debug, with LOG_LEVEL=debug', () => {
    const { logger, lines } = capture('debug');
    logger.info({ context: 'RoutesResolver' }, 'HealthController {/health}:');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 20, context: 'RoutesResolver', msg: 'HealthController {/health}:' });
  });
});
