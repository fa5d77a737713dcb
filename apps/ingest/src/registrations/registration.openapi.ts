import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
    ApiUnauthorizedResponse({ description: 'missing or wrong API key (`WWW-Authenticate: Bearer`)', type: ErrorBody }),
    ApiNotFoundResponse({
      description: 'unknown configId, or no such registration: `{"message": "configId [x] not found"}`',
      type: ErrorBody,
    }),
    ApiTooManyRequestsResponse({ description: 'REGISTRATION_RATE_LIMIT requests per minute per client exceeded' }),
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
