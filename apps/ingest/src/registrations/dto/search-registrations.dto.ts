import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString, Matches } from 'class-validator';
import { ID_MAX_LENGTH, ID_PATTERN, ID_RULE } from '../registration-fields';

/** Body of the sample connector's `POST …/device-registrations:search`. */
export class SearchRegistrationsDto {
  @ApiProperty({ description: 'The AXP session id', maxLength: ID_MAX_LENGTH })
  @Matches(ID_PATTERN, { message: `sessionId must be ${ID_RULE}` })
  @IsString({ message: 'sessionId must be a string' })
  @IsDefined({ message: 'sessionId is required' })
  sessionId!: string;
}
