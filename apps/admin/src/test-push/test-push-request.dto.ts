import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** Body of a test push: the session to reach, in the given or the default configuration. */
export class TestPushRequestDto {
  @IsOptional()
  @IsString({ message: 'configId must be a string' })
  @Matches(/^[A-Za-z0-9._-]{1,128}$/, { message: 'configId may hold only letters, digits, ., _ and - (1-128)' })
  configId?: string;

  @IsString({ message: 'sessionId must be a string' })
  @IsNotEmpty({ message: 'sessionId must not be empty' })
  @MaxLength(256, { message: 'sessionId must be at most 256 characters' })
  sessionId!: string;
}
