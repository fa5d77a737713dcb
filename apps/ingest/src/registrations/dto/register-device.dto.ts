import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import type { Platform } from '@app/config';
import { PLATFORMS } from '@app/persistence';
import { ID_MAX_LENGTH, ID_PATTERN, ID_RULE } from '../registration-fields';
import { SessionRegistrationDto } from './session-registration.dto';

/** Body of `PUT /v1/registrations/{deviceToken}`. */
export class RegisterDeviceDto extends SessionRegistrationDto {
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
