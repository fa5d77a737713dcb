export * from './queue.constants';
export * from './notification-job';
export * from './redis-connection';
export * from './queue.module';
export * from './dead-letter';
export * from './queue-backend';
export * from './replica-ack';
