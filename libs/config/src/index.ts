export * from './config.types';
export * from './load-config';
export * from './config.tokens';
export * from './config.module';
export * from './process-env';
export * from './axp-configuration.registry';
export * from './config-cipher';
export * from './registration-key.store';
