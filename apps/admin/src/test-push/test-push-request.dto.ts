import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Body of a test push: the session to reach, in the given or the default configuration. */
export class TestPushRequestDto {
  @ApiPropertyOptional({ description: 'the default configuration when absent', pattern: '^[A-Za-z0-9._-]{1,128}$', example: 'default' })
  @IsOptional()
  @IsString({ message: 'configId must be a string' })
  @Matches(/^[A-Za-z0-9._-]{1,128}$/, { message: 'configId may hold only letters, digits, ., _ and - (1-128)' })
  configId?: string;

  @ApiProperty({ description: 'the session whose devices get the push', minLength: 1, maxLength: 256, example: 'bf813a5d-2e06-4047-bae2-e01da2f69f7c' })
  @IsString({ message: 'sessionId must be a string' })
  @IsNotEmpty({ message: 'sessionId must not be empty' })
  @MaxLength(256, { message: 'sessionId must be at most 256 characters' })
  // Registrations never hold NUL or a lone surrogate (Postgres refuses both): a 400, not a store error.
  // eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
  @Matches(/^[^\u0000\uD800-\uDFFF]*$/u, { message: 'sessionId may not hold NUL or a lone surrogate' })
  sessionId!: string;
}
