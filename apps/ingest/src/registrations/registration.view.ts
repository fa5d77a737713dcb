import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Platform } from '@app/config';
import { PLATFORMS, type Registration } from '@app/persistence';

/** A registration as our API answers it. */
export class RegistrationView {
  @ApiProperty({ example: 'default' }) configId!: string;
  @ApiProperty({ example: 'dGVzdA:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx' }) deviceToken!: string;
  @ApiProperty({ example: 'bf813a5d-2e06-4047-bae2-e01da2f69f7c' }) sessionId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'customer-id-12345' }) customerId!: string | null;
  @ApiProperty({ enum: PLATFORMS }) platform!: Platform;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ format: 'date-time', description: 'REGISTRATION_TTL after the last registration' }) expiresAt!: string;
}

export class SessionRegistrationsView {
  @ApiProperty() configId!: string;
  @ApiProperty() sessionId!: string;
  @ApiProperty({ type: [RegistrationView] }) registrations!: RegistrationView[];
}

/** A registration as Avaya's sample connector answered it. */
export class SampleRegistrationView {
  @ApiProperty() configId!: string;
  @ApiProperty() sessionId!: string;
  @ApiProperty() deviceToken!: string;
  @ApiPropertyOptional({ enum: ['ios', 'web'], description: 'present for iOS and web devices' }) type?: 'ios' | 'web';
}

export function toRegistrationView(r: Registration): RegistrationView {
  return {
    configId: r.configId,
    deviceToken: r.deviceToken,
    sessionId: r.sessionId,
    customerId: r.customerId,
    platform: r.platform,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
  };
}

export function toSampleView(r: Registration): SampleRegistrationView {
  const view: SampleRegistrationView = { configId: r.configId, sessionId: r.sessionId, deviceToken: r.deviceToken };
  if (r.platform !== 'android') view.type = r.platform;
  return view;
}

/** The sample's `type`: 'ios' and 'web' (any case) pick that platform; anything else is Android. */
export function platformOfSampleType(type: string | undefined): Platform {
  const t = type?.toLowerCase();
  return t === 'ios' || t === 'web' ? t : 'android';
}
