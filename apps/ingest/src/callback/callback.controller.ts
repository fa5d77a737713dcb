import {
  Body,
  Controller,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { AxpConfigurationRegistry, type AxpConfiguration } from '@app/config';
import { SIGNATURE_HEADER, signedFields, validateAxpEvent, verifyAxpSignature } from '@app/axp';
import { ApiAxpCallback } from '../openapi/callback.openapi';
import { IntakeService } from './intake.service';

export interface CallbackAccepted {
  eventId: string;
}

/**
 * AXP's Callback URL. Answers 202 only once the event is stored; 400/401/404 for bad input;
 * 500 (on which AXP does not back off) when nothing could store it.
 */
@Controller()
export class CallbackController {
  private readonly logger = new Logger(CallbackController.name);

  constructor(
    private readonly configurations: AxpConfigurationRegistry,
    private readonly intake: IntakeService,
  ) {}

  @Post('v1/axp/:configId/notifications')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAxpCallback('AXP Callback URL of one configuration')
  receive(
    @Param('configId') configId: string,
    @Headers(SIGNATURE_HEADER) signature: string | undefined,
    @Body() body: unknown,
  ): Promise<CallbackAccepted> {
    const configuration = this.configurations.find(configId);
    if (!configuration) throw new NotFoundException({ message: `configId [${configId}] not found` });
    return this.accept(configuration, signature, body);
  }

  /** Drop-in path of Avaya's sample connector; serves the default configuration. */
  @Post('custom-notification-connector/axp-callback/notifications')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAxpCallback("AXP Callback URL of the default configuration (the sample connector's path)")
  receiveDefault(
    @Headers(SIGNATURE_HEADER) signature: string | undefined,
    @Body() body: unknown,
  ): Promise<CallbackAccepted> {
    const configuration = this.configurations.default;
    if (!configuration) throw new NotFoundException({ message: 'no default configuration' });
    return this.accept(configuration, signature, body);
  }

  private async accept(
    configuration: AxpConfiguration,
    signature: string | undefined,
    body: unknown,
  ): Promise<CallbackAccepted> {
    if (signature === undefined) throw unauthorized(`missing ${SIGNATURE_HEADER} header`);
    // Check the signature before describing schema problems to an unauthenticated caller.
    const signed = signedFields(body);
    if (signed && !verifyAxpSignature(configuration.secrets, signed.eventId, signed.sessionId, signature)) {
      throw unauthorized(`${SIGNATURE_HEADER} does not match the event`);
    }
    const validation = validateAxpEvent(body);
    if (!validation.ok) {
      throw new HttpException(
        { statusCode: 400, error: 'Bad Request', message: validation.message, field: validation.field },
        HttpStatus.BAD_REQUEST,
      );
    }
    const { event } = validation;
    try {
      await this.intake.store({ configId: configuration.id, event, receivedAt: new Date().toISOString() });
    } catch (error) {
      this.logger.error(`event ${event.eventId} of ${configuration.id} not stored: ${(error as Error).message}`);
      throw new HttpException(
        { statusCode: 500, error: 'Internal Server Error', message: 'the event could not be stored' },
        HttpStatus.INTERNAL_SERVER_ERROR,
      );
    }
    return { eventId: event.eventId };
  }
}

function unauthorized(message: string): HttpException {
  return new HttpException({ statusCode: 401, error: 'Unauthorized', message }, HttpStatus.UNAUTHORIZED);
}
