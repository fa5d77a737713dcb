import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The error body of the ingest's 4xx/5xx answers, for the OpenAPI description. */
export class ErrorBody {
  @ApiPropertyOptional({ example: 400 }) statusCode?: number;
  @ApiPropertyOptional({ example: 'Bad Request' }) error?: string;
  @ApiProperty({ example: 'sessionId is required' }) message!: string;
  @ApiPropertyOptional({ description: 'the offending field (400 only)', example: 'sessionId' }) field?: string;
}
