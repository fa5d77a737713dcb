import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { Platform } from '@app/config';
import { PLATFORMS } from '@app/persistence';
import { CONFIG_ID_MAX_LENGTH, ID_MAX_LENGTH, ID_PATTERN, ID_RULE } from '../registration-fields';

/**
 * Body of `PUT /v1/registrations/{deviceToken}`. Validators run bottom-up and stop at the first
 * failure per field, so the type check sits lowest and the message says what is actually wrong.
 */
export class RegisterDeviceDto {
  @ApiPropertyOptional({
    description: 'AXP Push Notification Configuration id; the default configuration when absent',
    maxLength: CONFIG_ID_MAX_LENGTH,
    example: 'default',
  })
  @Length(1, CONFIG_ID_MAX_LENGTH, { message: `configId must be 1-${CONFIG_ID_MAX_LENGTH} characters` })
  @IsString({ message: 'configId must be a string' })
  @IsOptional()
  configId?: string;

  @ApiProperty({
    description: 'The AXP session id (Conversation.session.sessionId in the Omni SDK)',
    maxLength: ID_MAX_LENGTH,
    example: 'bf813a5d-2e06-4047-bae2-e01da2f69f7c',
  })
  @Matches(ID_PATTERN, { message: `sessionId must be ${ID_RULE}` })
  @IsString({ message: 'sessionId must be a string' })
  @IsDefined({ message: 'sessionId is required' })
  sessionId!: string;

  @ApiPropertyOptional({
    description: 'The AXP customer id',
    maxLength: ID_MAX_LENGTH,
    example: 'customer-id-12345',
    nullable: true,
  })
  @Matches(ID_PATTERN, { message: `customerId must be ${ID_RULE}` })
  @IsString({ message: 'customerId must be a string' })
  @IsOptional()
  customerId?: string | null;

  @ApiPropertyOptional({ enum: PLATFORMS, default: 'android' })
  @IsIn(PLATFORMS, { message: `platform must be one of: ${PLATFORMS.join(', ')}` })
  @IsOptional()
  platform?: Platform;
}
