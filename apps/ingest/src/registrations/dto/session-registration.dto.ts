import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CONFIG_ID_MAX_LENGTH, ID_MAX_LENGTH, ID_PATTERN, ID_RULE } from '../registration-fields';

/**
 * The fields every registration body shares, for our API and the sample connector's. Validators run
 * bottom-up and stop at the first failure per field, so the type check sits lowest and the message
 * says what is actually wrong.
 */
export class SessionRegistrationDto {
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
}
