import { randomBytes } from 'node:crypto';
import { type AppConfig, type AppName, type Env, loadConfig } from '@app/config';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_DATABASE_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_SECRET = 'test-secret';
export const TEST_API_KEY = 'test-registration-key';

/** A queue prefix of its own, so test files never see each other's jobs in the shared Redis. */
export function uniquePrefix(label = 'test'): string {
  return `{axp-${label}-${randomBytes(4).toString('hex')}}`;
}

/** A validated config for tests: the local services, a private queue prefix, overridable by `env`. */
export function testConfig(app: AppName, env: Env = {}): AppConfig {
  return loadConfig(app, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(app),
    AXP_SECRET: TEST_SECRET,
    REGISTRATION_API_KEYS: TEST_API_KEY,
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: 'admin-password',
    ...env,
  });
}
