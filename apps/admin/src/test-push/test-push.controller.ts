import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { TestPushRequestDto } from './test-push-request.dto';
import { type TestPushResult, TestPushService } from './test-push.service';

/** Admin API: send a synthetic event to a session's devices (behind the admin app's basic auth). */
@Controller('admin/api')
export class TestPushController {
  constructor(private readonly testPush: TestPushService) {}

  @Post('test-push')
  @HttpCode(HttpStatus.ACCEPTED)
  send(@Body() body: TestPushRequestDto): Promise<TestPushResult> {
    return this.testPush.send(body.sessionId, body.configId);
  }
}
