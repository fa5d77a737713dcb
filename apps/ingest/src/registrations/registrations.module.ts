import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ApiKeyGuard } from './api-key.guard';
import { RegistrationCleanupService } from './registration-cleanup.service';
import { RegistrationController } from './registration.controller';
import { RegistrationService } from './registration.service';
import { SampleRegistrationController } from './sample-registration.controller';

/**
 * The device-registration API (ours and the sample-compatible routes): API-key auth, a per-client
 * rate limit, and the periodic removal of expired rows. Needs PersistenceModule.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: 60_000, limit: config.registrations.rateLimitPerMinute }],
        // One budget per client across every registration route, not one per route.
        generateKey: (_context, tracker) => `registrations:${tracker}`,
        errorMessage: `too many registration requests: at most ${config.registrations.rateLimitPerMinute} per minute`,
      }),
    }),
  ],
  controllers: [RegistrationController, SampleRegistrationController],
  providers: [RegistrationService, RegistrationCleanupService, ApiKeyGuard],
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
