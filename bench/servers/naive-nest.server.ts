/**
 * The naive NestJS intake most people would write in an afternoon: NestJS on Express, one controller
 * that checks the HMAC and awaits one BullMQ `queue.add` per callback (same job id and options as ours).
 */
import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Body, Controller, Headers, HttpCode, Module, Post, UnauthorizedException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { JobName, NOTIFICATIONS_QUEUE, notificationJobId, notificationJobOptions } from '@app/queue';

const secret = process.env.AXP_SECRET ?? '';
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const jobOptions = notificationJobOptions({ maxAttempts: 8, backoffMs: 1000 });

interface CallbackBody {
  eventId: string;
  sessionId: string;
  [field: string]: string;
}

@Controller('custom-notification-connector/axp-callback')
class CallbackController {
  constructor(@InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue) {}

  @Post('notifications')
  @HttpCode(202)
  async receive(@Headers('x-hmac') signature: string, @Body() body: CallbackBody): Promise<{ eventId: string }> {
    const expected = createHmac('sha256', secret).update(body.eventId + body.sessionId).digest('hex');
    if (signature !== expected) throw new UnauthorizedException('bad signature');
    await this.queue.add(
      JobName.Deliver,
      { configId: 'default', event: body, receivedAt: new Date().toISOString() },
      { ...jobOptions, jobId: notificationJobId('default', body.eventId) },
    );
    return { eventId: body.eventId };
  }
}

@Module({
  imports: [
    BullModule.forRoot({
      prefix: process.env.QUEUE_PREFIX,
      connection: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379) },
    }),
    BullModule.registerQueue({ name: NOTIFICATIONS_QUEUE }),
  ],
  controllers: [CallbackController],
})
class NaiveModule {}

async function start(): Promise<void> {
  // Default platform: Express (@nestjs/platform-express).
  const app = await NestFactory.create(NaiveModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.send?.({ type: 'ready', port: address.port });
}

start().catch((error: Error) => {
  process.send?.({ type: 'error', message: error.message });
  process.exit(1);
});
