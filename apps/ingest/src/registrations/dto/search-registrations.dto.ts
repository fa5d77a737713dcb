import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CONFIG_ID_MAX_LENGTH, ID_MAX_LENGTH, ID_PATTERN, ID_RULE } from '../registration-fields';

/** Body of the sample connector's `POST …/device-registrations:search`. */
export class SearchRegistrationsDto {
  @ApiProperty({ description: 'The AXP session id', maxLength: ID_MAX_LENGTH })
  @Matches(ID_PATTERN, { message: `sessionId must be ${ID_RULE}` })
  @IsString({ message: 'sessionId must be a string' })
  @IsDefined({ message: 'sessionId is required' })
  sessionId!: string;

  @ApiPropertyOptional({ description: 'only this configuration; every one the key reaches when absent', maxLength: CONFIG_ID_MAX_LENGTH })
  @Length(1, CONFIG_ID_MAX_LENGTH, { message: `configId must be 1-${CONFIG_ID_MAX_LENGTH} characters` })
  @IsString({ message: 'configId must be a string' })
  @IsOptional()
  configId?: string;
}
