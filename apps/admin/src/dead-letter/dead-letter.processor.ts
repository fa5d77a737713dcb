import { Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { DEAD_LETTER_QUEUE, type DeadLetterJobData } from '@app/queue';
import { type DashboardReplayResult, DeadLetterReplayService } from './dead-letter-replay.service';

/** The dead-letter queue's only consumer: parks new entries, replays the ones an operator retries. */
@Processor(DEAD_LETTER_QUEUE, { concurrency: 4 })
export class DeadLetterProcessor extends WorkerHost {
  constructor(private readonly deadLetters: DeadLetterReplayService) {
    super();
  }

  process(job: Job<DeadLetterJobData>): Promise<DashboardReplayResult> {
    return this.deadLetters.handle(job);
  }
}
