import { Writable } from 'node:stream';
import { Controller, Get, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { AppConfigModule } from '@app/config';
import { LoggingModule } from '@app/observability';
import { testConfig } from '../../../test/support/test-config';

const TOKEN = 'eHh4eHh4eHh4eHh4:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx8-pQ9X4bLRn0VvSYxR6Ph3TWyZ8';

@Controller()
class ProbeController {
  private readonly logger = new Logger('DeliveryService');

  @Get('deliver')
  deliver() {
    this.logger.log({ eventId: 'e-1', configId: 'default', sessionId: 's-1', deviceToken: TOKEN }, 'delivered');
    this.logger.warn({ eventId: 'e-2', undeliveredTokens: [TOKEN], secret: 'axp-secret' }, 'dead-lettered');
    return { ok: true };
  }
}

describe('LoggingModule in a Nest app', () => {
  const lines: Array<Record<string, unknown>> = [];
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const config = testConfig('dispatcher', { LOG_LEVEL: 'info' });
    @Module({
      imports: [AppConfigModule.forRoot(config), LoggingModule.forRoot(config, { destination })],
      controllers: [ProbeController],
    })
    class ProbeModule {}
    app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), { bufferLogs: true });
    app.useLogger(app.get(PinoNestLogger));
    // Nest flushes buffered logs on listen(); the tests never listen.
    app.flushLogs();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it('writes one JSON line per log call, none per request, with the context and ids', async () => {
    lines.length = 0;
    const res = await app.inject({ method: 'GET', url: '/deliver', headers: { authorization: 'Basic c2VjcmV0' } });
    expect(res.statusCode).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 30,
      app: 'dispatcher',
      context: 'DeliveryService',
      msg: 'delivered',
      eventId: 'e-1',
      configId: 'default',
      sessionId: 's-1',
      reqId: expect.anything(),
    });
    expect(lines[0]).not.toHaveProperty('req');
    expect(lines[1]).toMatchObject({ level: 40, msg: 'dead-lettered', secret: '[redacted]' });
  });

  it('never writes a device token or a secret in full', () => {
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('axp-secret');
    expect(text).not.toContain('c2VjcmV0');
    expect(lines[0].deviceToken).toBe('eHh4eH…WyZ8');
    expect(lines[1].undeliveredTokens).toEqual(['eHh4eH…WyZ8']);
  });
});
