import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { ApiAdminOperation } from '../openapi/admin-api.openapi';
import { DeadLetterReplayService, type ReplayReport } from './dead-letter-replay.service';
import { ReplayRequestDto } from './replay-request.dto';

/** Admin API of the dead-letter queue (behind the admin app's basic auth). */
@Controller('admin/api/dead-letter')
export class DeadLetterController {
  constructor(private readonly deadLetters: DeadLetterReplayService) {}

  @Post('replay')
  @HttpCode(HttpStatus.OK)
  @ApiAdminOperation(
    'Replay dead-letter entries',
    'Puts each entry\'s event back on the notifications queue with a fresh retry budget; devices that already got ' +
      'the event are skipped. Without `ids`, every pending entry is replayed.',
  )
  @ApiOkResponse({
    description: 'what was replayed, which ids are unknown, and which entries were left and why',
    schema: {
      type: 'object',
      required: ['replayed', 'unknown', 'skipped'],
      properties: {
        replayed: { type: 'integer', example: 1 },
        unknown: { type: 'array', items: { type: 'string' }, example: [] },
        skipped: {
          type: 'array',
          items: { type: 'object', properties: { id: { type: 'string' }, reason: { type: 'string' } } },
          example: [{ id: 'default/<eventId>@1700000000000', reason: 'already-queued' }],
        },
      },
    },
  })
  replay(@Body() body: ReplayRequestDto): Promise<ReplayReport> {
    return this.deadLetters.replay(body.ids);
  }
}
