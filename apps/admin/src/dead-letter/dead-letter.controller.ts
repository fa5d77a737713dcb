import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { DeadLetterReplayService, type ReplayReport } from './dead-letter-replay.service';
import { ReplayRequestDto } from './replay-request.dto';

/** Admin API of the dead-letter queue (behind the admin app's basic auth). */
@Controller('admin/api/dead-letter')
export class DeadLetterController {
  constructor(private readonly deadLetters: DeadLetterReplayService) {}

  @Post('replay')
  @HttpCode(HttpStatus.OK)
  replay(@Body() body: ReplayRequestDto): Promise<ReplayReport> {
    return this.deadLetters.replay(body.ids);
  }
}
