/**
 * AXP configurations managed at run time: the admin API, the sample connector's configuration
 * routes and the admin page's configurations view.
 */
import { Module } from '@nestjs/common';
import { ConfigurationSyncModule } from '@app/persistence';
import { ConfigurationAdminService } from './configuration-admin.service';
import { ConfigurationsController } from './configurations.controller';
import { ConfigurationsPageController } from './configurations-page.controller';
import { SampleConfigsController } from './sample-configs.controller';

@Module({
  imports: [ConfigurationSyncModule],
  controllers: [ConfigurationsController, SampleConfigsController, ConfigurationsPageController],
  providers: [ConfigurationAdminService],
})
export class ConfigurationsModule {}
