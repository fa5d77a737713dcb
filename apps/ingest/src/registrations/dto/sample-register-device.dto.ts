import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { SessionRegistrationDto } from './session-registration.dto';

/** Body of the sample connector's `PUT …/device-registrations/{deviceToken}`; other fields are ignored. */
export class SampleRegisterDeviceDto extends SessionRegistrationDto {
  @ApiPropertyOptional({
    description: "'ios' registers an iOS device, 'web' a browser; anything else Android",
    example: 'ios',
  })
  @Length(0, 32, { message: 'type must be at most 32 characters' })
  @IsString({ message: 'type must be a string' })
  @IsOptional()
  type?: string;
}
