import { randomUUID } from 'node:crypto';
import { Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { AxpConfigurationRegistry } from '@app/config';
import { PushMetrics } from '@app/observability';
import { RegistrationRepository } from '@app/persistence';
import type { AxpEvent } from '@app/queue';
import { NotificationWriter } from '../notifications/notification-writer.service';

export interface TestPushResult {
  eventId: string;
  jobId: string;
  /** Live registrations of the session: how many devices the push should reach. */
  tokens: number;
}

/** Marks the synthetic event wherever it shows up (device payload, logs, dashboard). */
export const TEST_CUSTOMER_ID = 'axp-push-test';

/**
 * An operator's end-to-end check of a device: a synthetic event for a session goes through the
 * same queue and dispatcher as AXP's, flagged `test` in the job and marked in its ids.
 */
@Injectable()
export class TestPushService {
  private readonly logger = new Logger(TestPushService.name);

  constructor(
    private readonly configurations: AxpConfigurationRegistry,
    private readonly registrations: RegistrationRepository,
    private readonly writer: NotificationWriter,
    private readonly metrics: PushMetrics,
  ) {}

  async send(sessionId: string, configId = this.configurations.defaultId): Promise<TestPushResult> {
    if (!this.configurations.find(configId)) throw new NotFoundException({ message: `configId [${configId}] not found` });
    const tokens = await this.registrations.findLiveTokens(configId, sessionId).catch((error: Error) => {
      throw unavailable('the registration store', error);
    });
    const eventId = randomUUID();
    const event: AxpEvent = {
      eventId,
      conversationId: `test-${randomUUID()}`,
      customerId: TEST_CUSTOMER_ID,
      sessionId,
      eventDate: new Date().toISOString(),
    };
    const jobId = await this.writer
      .enqueue({ configId, event, receivedAt: new Date().toISOString(), test: true })
      .catch((error: Error) => {
        throw unavailable('the queue', error);
      });
    this.metrics.testPushEnqueued(configId);
    this.logger.log({ configId, eventId, sessionId, tokens: tokens.length }, 'test push enqueued');
    return { eventId, jobId, tokens: tokens.length };
  }
}

function unavailable(what: string, error: Error): ServiceUnavailableException {
  return new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: `${what} did not answer: ${error.message}` });
}
