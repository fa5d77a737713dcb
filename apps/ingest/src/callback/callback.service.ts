import { HttpException, HttpStatus, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AxpConfigurationRegistry } from '@app/config';
import { isWellFormed, SIGNATURE_HEADER, signedFields, validateAxpEvent, verifyAxpSignature } from '@app/axp';
import { IntakeService } from './intake.service';

export interface CallbackAccepted {
  eventId: string;
}

/**
 * What an AXP callback gets: 202 only once the event is stored; 400/401/404 for bad input; 500 (on
 * which AXP does not back off) when nothing could store it. Every refusal is an HttpException.
 * Shared by both entry points: the Nest controller and the ingest's direct HTTP handler.
 */
@Injectable()
export class CallbackService {
  private readonly logger = new Logger(CallbackService.name);

  constructor(
    private readonly configurations: AxpConfigurationRegistry,
    private readonly intake: IntakeService,
  ) {}

  /** `configId` undefined: the sample connector's path, which serves every configuration. */
  async accept(configId: string | undefined, signature: string | undefined, body: unknown): Promise<CallbackAccepted> {
    return (await this.acceptFor(configId, signature, body)).accepted;
  }

  /** As accept, also naming the configuration that took the event (on the sample's path, found by its secret). */
  async acceptFor(
    configId: string | undefined,
    signature: string | undefined,
    body: unknown,
  ): Promise<{ accepted: CallbackAccepted; configId: string }> {
    if (configId !== undefined && !isWellFormed(configId)) {
      throw badRequest('configId', 'configId must be well-formed Unicode (it holds a lone surrogate)');
    }
    const signed = signedFields(body);
    // On the sample's path the configuration is the one whose secret verified the signature, if any.
    const matched = configId === undefined ? this.matchBySignature(signed, signature) : undefined;
    const configuration = configId === undefined ? (matched ?? this.configurations.default) : this.configurations.find(configId);
    if (!configuration) {
      throw new NotFoundException({ message: configId === undefined ? 'no default configuration' : `configId [${configId}] not found` });
    }
    if (signature === undefined) throw unauthorized(`missing ${SIGNATURE_HEADER} header`);
    // Check the signature before describing schema problems to an unauthenticated caller.
    if (signed && !matched && !verifyAxpSignature(configuration.secrets, signed.eventId, signed.sessionId, signature)) {
      throw unauthorized(`${SIGNATURE_HEADER} does not match the event`);
    }
    const validation = validateAxpEvent(body);
    if (!validation.ok) throw badRequest(validation.field, validation.message);
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
    return { accepted: { eventId: event.eventId }, configId: configuration.id };
  }

  /**
   * The sample connector's single path serves every configuration: the one whose secret verifies the
   * signature (see AxpConfigurationRegistry.findBySignature), already verified; undefined when none
   * does, and the default configuration then answers (401 for a wrong signature).
   */
  private matchBySignature(signed: ReturnType<typeof signedFields>, signature: string | undefined) {
    if (!signed || signature === undefined) return undefined;
    return this.configurations.findBySignature((secret) => verifyAxpSignature([secret], signed.eventId, signed.sessionId, signature));
  }
}

function badRequest(field: string, message: string): HttpException {
  return new HttpException({ statusCode: 400, error: 'Bad Request', message, field }, HttpStatus.BAD_REQUEST);
}

function unauthorized(message: string): HttpException {
  return new HttpException({ statusCode: 401, error: 'Unauthorized', message }, HttpStatus.UNAUTHORIZED);
}
