import type { AppConfig, AppName } from './config.types';
import { ConfigError, loadConfig } from './load-config';

/** Loads the configuration from `process.env`; on a bad environment prints every problem and exits 1. */
export function configFromEnvironment(app: AppName): AppConfig {
  try {
    return loadConfig(app, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${app}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Raw environment access for tools and scripts (dev runner, bench, demo) that configure child processes. */
export function rawEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}
