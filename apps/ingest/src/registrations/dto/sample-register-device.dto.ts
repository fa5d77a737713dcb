import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CONFIG_ID_MAX_LENGTH, ID_MAX_LENGTH, ID_PATTERN, ID_RULE } from '../registration-fields';

/** Body of the sample connector's `PUT …/device-registrations/{deviceToken}`; other fields are ignored. */
export class SampleRegisterDeviceDto {
  @ApiPropertyOptional({
    description: 'AXP configuration id; the default configuration when absent',
    example: 'default',
  })
  @Length(1, CONFIG_ID_MAX_LENGTH, { message: `configId must be 1-${CONFIG_ID_MAX_LENGTH} characters` })
  @IsString({ message: 'configId must be a string' })
  @IsOptional()
  configId?: string;

  @ApiProperty({
    description: 'The AXP session id',
    maxLength: ID_MAX_LENGTH,
    example: 'bf813a5d-2e06-4047-bae2-e01da2f69f7c',
  })
  @Matches(ID_PATTERN, { message: `sessionId must be ${ID_RULE}` })
  @IsString({ message: 'sessionId must be a string' })
  @IsDefined({ message: 'sessionId is required' })
  sessionId!: string;

  @ApiPropertyOptional({
    description: "'ios' registers an iOS device, 'web' a browser; anything else Android",
    example: 'ios',
  })
  @Length(0, 32, { message: 'type must be at most 32 characters' })
  @IsString({ message: 'type must be a string' })
  @IsOptional()
  type?: string;
}
