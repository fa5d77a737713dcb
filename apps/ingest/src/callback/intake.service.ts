import { Injectable, Logger } from '@nestjs/common';
import { PushMetrics } from '@app/observability';
import { OutboxRepository } from '@app/persistence';
import { type NotificationJobData, notificationJobId } from '@app/queue';
import { NotificationProducer } from './notification-producer.service';

export type StoredIn = 'queue' | 'outbox';

export class EventNotStoredError extends Error {
  constructor(queueError: Error, outboxError: Error) {
    super(`queue: ${queueError.message}; outbox: ${outboxError.message}`);
    this.name = 'EventNotStoredError';
  }
}

/**
 * Stores an accepted event durably: in the queue when Redis takes it within the deadline, else in
 * the Postgres outbox (same job id, so duplicates collapse) for the relay to move later.
 */
@Injectable()
export class IntakeService {
  private readonly logger = new Logger(IntakeService.name);

  constructor(
    private readonly producer: NotificationProducer,
    private readonly outbox: OutboxRepository,
    private readonly metrics: PushMetrics,
  ) {}

  async store(data: NotificationJobData): Promise<StoredIn> {
    const started = performance.now();
    try {
      await this.producer.enqueue(data);
      this.metrics.enqueueLatency((performance.now() - started) / 1000);
      return 'queue';
    } catch (queueError) {
      try {
        await this.outbox.save({ jobId: notificationJobId(data.configId, data.event.eventId), data: { ...data, storedIn: 'outbox' } });
        this.metrics.outboxWrite();
        return 'outbox';
      } catch (outboxError) {
        this.logger.error(`event ${data.event.eventId} of ${data.configId} not stored`);
        throw new EventNotStoredError(queueError as Error, outboxError as Error);
      }
    }
  }
}
