/**
 * Structured JSON logs for every app (nestjs-pino): one place that sets the level, the redaction of
 * secrets and tokens, and which routes get a request-scoped logger.
 */
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { pinoHttpOptions } from './logger-options';

export interface LoggingOptions {
  /** Where the lines go; stdout when absent (tests pass a stream to read them). */
  destination?: DestinationStream;
  /**
   * false: no request-scoped logger on any route. Its AsyncLocalStorage turns on promise hooks for
   * the whole process, a cost every request pays on a hot app.
   */
  requestScoped?: boolean;
}

@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, options: LoggingOptions = {}): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: options.destination ? [pinoHttpOptions(config), options.destination] : pinoHttpOptions(config),
          forRoutes: options.requestScoped === false ? [] : [{ path: '*path', method: RequestMethod.ALL }],
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
