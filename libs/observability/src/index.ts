export * from './redis-health.indicator';
