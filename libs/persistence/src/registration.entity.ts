import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Platform } from '@app/config';

export const PLATFORMS: readonly Platform[] = ['android', 'ios', 'web'];

/**
 * A device's FCM token registered against an AXP session. A token is unique per configuration
 * (through its SHA-256, since tokens may be longer than a btree index entry allows).
 */
@Entity({ name: 'registrations' })
@Index('uq_registrations_config_token', ['configId', 'tokenHash'], { unique: true })
@Index('ix_registrations_config_session', ['configId', 'sessionId'])
@Index('ix_registrations_customer', ['customerId'])
@Index('ix_registrations_expires_at', ['expiresAt'])
export class RegistrationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'config_id', type: 'varchar', length: 128 })
  configId!: string;

  @Column({ name: 'device_token', type: 'varchar', length: 4096 })
  deviceToken!: string;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  @Column({ name: 'session_id', type: 'varchar', length: 256 })
  sessionId!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 256, nullable: true })
  customerId!: string | null;

  /** True when customerId came from a verified customer JWT (pushes only for that customer). */
  @Column({ name: 'customer_bound', type: 'boolean', default: false })
  customerBound!: boolean;

  @Column({ type: 'varchar', length: 16, default: 'android' })
  platform!: Platform;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz', default: () => 'now()' })
  lastSeenAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
