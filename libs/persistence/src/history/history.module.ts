import { Module } from '@nestjs/common';
import { HistoryMaintenance } from './history-maintenance.service';
import { HistoryWriter } from './history-writer.service';
import { HistoryRepository } from './history.repository';

/** The delivery history: batched writer, reads, and partition maintenance. Needs PersistenceModule and MetricsModule. */
@Module({
  providers: [HistoryRepository, HistoryWriter, HistoryMaintenance],
  exports: [HistoryRepository, HistoryWriter, HistoryMaintenance],
})
export class HistoryModule {}
