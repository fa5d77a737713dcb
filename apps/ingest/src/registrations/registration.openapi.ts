import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorBody } from '../openapi/error-body.view';
import { DEVICE_TOKEN_MAX_LENGTH, DEVICE_TOKEN_RULE } from './registration-fields';


/** The error answers every registration route shares. */
export function ApiRegistrationErrors(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiBadRequestResponse({
      description: 'invalid token, path or body; `field` names the offending field',
      type: ErrorBody,
    }),
    ApiUnauthorizedResponse({
      description:
        'missing or wrong API key (`WWW-Authenticate: Bearer`), or with customer binding on a missing or invalid customer token',
      type: ErrorBody,
    }),
    ApiForbiddenResponse({
      description: 'an app key (REGISTRATION_APP_KEYS) on a route that needs a server key (REGISTRATION_API_KEYS)',
      type: ErrorBody,
    }),
    ApiNotFoundResponse({
      description: 'unknown configId, or no such registration: `{"message": "configId [x] not found"}`',
      type: ErrorBody,
    }),
    ApiTooManyRequestsResponse({
      description: 'REGISTRATION_RATE_LIMIT requests per minute per client, or REGISTRATION_KEY_RATE_LIMIT per key, exceeded',
    }),
    ApiServiceUnavailableResponse({ description: 'the registration store (Postgres) is unavailable', type: ErrorBody }),
  );
}

/** The `{deviceToken}` path parameter. */
export function ApiDeviceTokenParam(): MethodDecorator {
  return ApiParam({
    name: 'deviceToken',
    description: `the FCM registration token: ${DEVICE_TOKEN_RULE}`,
    schema: { type: 'string', minLength: 1, maxLength: DEVICE_TOKEN_MAX_LENGTH, pattern: '^[A-Za-z0-9_:.-]+$' },
  });
}
