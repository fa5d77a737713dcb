import { DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from './config.types';
import { AxpConfigurationRegistry } from './axp-configuration.registry';
import { RegistrationKeyStore } from './registration-key.store';

import { APP_CONFIG } from './config.tokens';

/** Makes one validated `AppConfig` available everywhere; built by `loadConfig` before the app boots. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }, AxpConfigurationRegistry, RegistrationKeyStore],
      exports: [APP_CONFIG, AxpConfigurationRegistry, RegistrationKeyStore],
    };
  }
}
