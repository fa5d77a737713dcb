import { type ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

interface ClientError {
  statusCode: number;
  message: string;
  code?: string;
}

function isClientError(exception: unknown): exception is ClientError {
  const { statusCode, message } = (exception ?? {}) as Partial<ClientError>;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && typeof message === 'string';
}

/**
 * Errors that Fastify raises for a client's fault (body too large, bad JSON, unsupported media
 * type, a client that hung up mid-body) are answered with their 4xx as Nest would, but logged at
 * debug instead of as an ERROR with a stack: bad input must not be able to flood the logs.
 */
@Catch()
export class ClientErrorFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('ClientError');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof HttpException || !isClientError(exception)) return super.catch(exception, host);
    const { statusCode, message, code } = exception;
    this.logger.debug({ statusCode, code }, `client error: ${message}`);
    const adapter = (this.applicationRef ?? this.httpAdapterHost?.httpAdapter)!;
    const response = host.getArgByIndex(1);
    if (adapter.isHeadersSent(response)) adapter.end(response);
    else adapter.reply(response, { statusCode, message }, statusCode);
  }
}
