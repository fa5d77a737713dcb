import { Global, Module } from '@nestjs/common';
import { AxpConfigurationRepository } from './axp-configuration.repository';
import { ConfigurationSync } from './configuration-sync.service';

/** Stored AXP configurations, kept live in this replica's registry; needs PersistenceModule.forRoot. */
@Global()
@Module({
  providers: [AxpConfigurationRepository, ConfigurationSync],
  exports: [AxpConfigurationRepository, ConfigurationSync],
})
export class ConfigurationSyncModule {}
