import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** Body of a replay request: the DLQ job ids to replay, or none for every pending entry. */
export class ReplayRequestDto {
  @ApiPropertyOptional({
    description: 'dead-letter job ids (`<configId>/<eventId>@<time>`); absent: every pending entry',
    type: [String],
    maxItems: 10_000,
    example: ['default/778af6a9-41f8-4153-a3a1-d913b2911b3b@1700000000000'],
  })
  @IsOptional()
  @IsArray({ message: 'ids must be an array of dead-letter job ids' })
  @ArrayMaxSize(10_000, { message: 'ids may hold at most 10000 ids per request' })
  @IsString({ each: true, message: 'ids must hold only strings' })
  @IsNotEmpty({ each: true, message: 'ids may not hold empty strings' })
  @MaxLength(2_600, { each: true, message: 'ids may not hold ids longer than 2600 characters' })
  ids?: string[];
}
