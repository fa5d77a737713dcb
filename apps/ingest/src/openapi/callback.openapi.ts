import { applyDecorators } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiHeader,
  ApiInternalServerErrorResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { REQUIRED_EVENT_FIELDS } from '@app/axp';
import { ErrorBody } from './error-body.view';

const text = (description: string, example: string) => ({
  type: 'string',
  description,
  example,
});

/** The AXP notification event, as AXP posts it to the Callback URL. */
export const AXP_EVENT_SCHEMA = {
  type: 'object',
  required: [...REQUIRED_EVENT_FIELDS],
  properties: {
    eventId: { ...text('unique per event; the idempotency key', '778af6a9-41f8-4153-a3a1-d913b2911b3b'), minLength: 1 },
    conversationId: text('the AXP conversation', '1570b603-502e-3dcc-888f-09dda5bd0ea6'),
    customerId: text('the AXP customer', 'customer-id-12345'),
    sessionId: { ...text('the Omni SDK session whose devices are notified', 'bf813a5d-2e06-4047-bae2-e01da2f69f7c'), minLength: 1 },
    eventDate: {
      type: 'string',
      description: 'ISO-8601 (the unpadded 2024-3-13T20:25:39.734Z is normalised); unreadable: the age counts from receipt',
      example: '2024-03-18T11:00:24.481Z',
    },
  },
  additionalProperties: {
    description: 'further fields of any JSON type reach the FCM data as strings (3 → "3", objects as JSON)',
  },
};

/**
 * OpenAPI description of the AXP Callback URL. AXP never retries and backs off on errors other
 * than 400 and 500, which is why the answers are exactly these.
 */
export function ApiAxpCallback(summary: string): MethodDecorator {
  return applyDecorators(
    ApiTags('AXP callback'),
    ApiOperation({
      summary,
      description:
        'Answers 202 only once the event is stored (queue, or the outbox while Redis is away). ' +
        'Authenticated by X-hmac, not by API keys.',
    }),
    ApiHeader({
      name: 'X-hmac',
      required: true,
      description: "hex HMAC-SHA256 of eventId + sessionId, keyed with the configuration's Secret",
      schema: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
    }),
    ApiBody({ schema: AXP_EVENT_SCHEMA }),
    ApiAcceptedResponse({
      description: 'stored; it will be pushed to every live device of the session',
      schema: { type: 'object', properties: { eventId: { type: 'string' } }, required: ['eventId'] },
    }),
    ApiBadRequestResponse({ description: 'invalid body; `field` names the offending field', type: ErrorBody }),
    ApiUnauthorizedResponse({ description: 'missing X-hmac, or it does not match the event', type: ErrorBody }),
    ApiNotFoundResponse({ description: '`{"message": "configId [x] not found"}`', type: ErrorBody }),
    ApiPayloadTooLargeResponse({ description: 'body over 64 KiB' }),
    ApiUnsupportedMediaTypeResponse({ description: 'not application/json' }),
    ApiInternalServerErrorResponse({ description: 'the event could not be stored anywhere', type: ErrorBody }),
  );
}
