import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { ADMIN_ERROR_SCHEMA, ApiAdminOperation } from '../openapi/admin-api.openapi';
import { TestPushRequestDto } from './test-push-request.dto';
import { type TestPushResult, TestPushService } from './test-push.service';

/** Admin API: send a synthetic event to a session's devices (behind the admin app's basic auth). */
@Controller('admin/api')
export class TestPushController {
  constructor(private readonly testPush: TestPushService) {}

  @Post('test-push')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAdminOperation('Send a test push', "Queues a synthetic event (`test: true`) for the session's live devices.")
  @ApiAcceptedResponse({
    description: "queued; `tokens` is the number of the session's live registrations",
    schema: {
      type: 'object',
      required: ['eventId', 'jobId', 'tokens'],
      properties: { eventId: { type: 'string' }, jobId: { type: 'string' }, tokens: { type: 'integer', example: 2 } },
    },
  })
  @ApiNotFoundResponse({ description: '`{"message": "configId [x] not found"}`', schema: ADMIN_ERROR_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'the queue or the registration store is unavailable', schema: ADMIN_ERROR_SCHEMA })
  send(@Body() body: TestPushRequestDto): Promise<TestPushResult> {
    return this.testPush.send(body.sessionId, body.configId);
  }
}
