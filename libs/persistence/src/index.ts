export * from './registration.entity';
export * from './registration.repository';
export * from './data-source';
export * from './persistence.module';
export * from './migrations';
export * from './outbox.entity';
export * from './outbox.repository';
export * from './database-connector.service';
