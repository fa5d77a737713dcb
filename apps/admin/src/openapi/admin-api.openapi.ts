import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

/** Name of the admin API's security scheme in the OpenAPI document. */
export const ADMIN_BASIC_AUTH = 'admin-basic';

/** The body of the admin API's 4xx/5xx answers (Nest's exception body; `field` on 400s). */
export const ADMIN_ERROR_SCHEMA = {
  type: 'object',
  required: ['message'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { type: 'string', example: 'sessionId must not be empty' },
    field: { type: 'string', description: 'the offending field (400 only)', example: 'sessionId' },
  },
};

/**
 * What every admin API route shares in the OpenAPI document: its tag, basic auth, and the 400 and
 * 401 answers. Routes add their own success and other error answers.
 */
export function ApiAdminOperation(summary: string, description?: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiTags('admin'),
    ApiBasicAuth(ADMIN_BASIC_AUTH),
    ApiOperation({ summary, description }),
    ApiBadRequestResponse({ description: 'invalid body; `field` names the offending field', schema: ADMIN_ERROR_SCHEMA }),
    ApiUnauthorizedResponse({ description: 'missing or wrong credentials (`WWW-Authenticate: Basic`)' }),
  );
}
