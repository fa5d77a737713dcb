import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ApiKeyGuard } from './api-key.guard';
import { CustomerTokenVerifier } from './customer-token.verifier';
import { RegistrationCleanupService } from './registration-cleanup.service';
import { RegistrationController } from './registration.controller';
import { registrationThrottlers } from './registration-throttlers';
import { RegistrationService } from './registration.service';
import { SampleRegistrationController } from './sample-registration.controller';

/**
 * The device-registration API (ours and the sample-compatible routes): app and server keys, the
 * optional customer binding, per-client and per-key rate limits, and the periodic removal of
 * expired rows. Needs PersistenceModule.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: registrationThrottlers,
    }),
  ],
  controllers: [RegistrationController, SampleRegistrationController],
  providers: [RegistrationService, RegistrationCleanupService, ApiKeyGuard, CustomerTokenVerifier],
})
export class RegistrationsModule implements OnModuleInit {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    if (this.config.registrations.auth === 'none') {
      new Logger(RegistrationsModule.name).warn(
        'REGISTRATION_AUTH=none: the registration API accepts requests without an API key',
      );
    }
  }
}
