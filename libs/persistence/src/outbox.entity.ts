import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Callbacks accepted while Redis could not take them. Keyed by the notification job id, so a
 * repeated event collapses into one row; the ingest's relay moves rows to the queue and deletes them.
 */
@Entity({ name: 'outbox' })
@Index('ix_outbox_created_at', ['createdAt'])
export class OutboxEntity {
  @PrimaryColumn({ name: 'job_id', type: 'varchar', length: 2600 })
  jobId!: string;

  @Column({ type: 'jsonb' })
  data!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
