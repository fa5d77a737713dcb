export * from './history.types';
export * from './history.repository';
export * from './history-partitions';
export * from './history-writer.service';
export * from './history-maintenance.service';
export * from './history.module';
