import type { MigrationInterface, QueryRunner } from 'typeorm';
import { HISTORY_TABLES, maintainWith } from '../history/history-partitions';

/**
 * The delivery history: events, their attempts and per-device outcomes, partitioned by day of the
 * event's receipt (a primary key on a partitioned table includes the partition key). The apps and
 * `npm run migrate` keep the partitions: created ahead, dropped after HISTORY_RETENTION_DAYS.
 */
export class CreateDeliveryHistory1764059000000 implements MigrationInterface {
  name = 'CreateDeliveryHistory1764059000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "history_events" (
        "config_id" varchar(128) NOT NULL,
        "event_id" text NOT NULL,
        "session_id" text NOT NULL,
        "customer_id" text,
        "conversation_id" text,
        "received_at" timestamptz NOT NULL,
        "stored_in" varchar(16) NOT NULL,
        "outcome" varchar(32) NOT NULL,
        "attempts" integer NOT NULL,
        "updated_at" timestamptz NOT NULL,
        "dead_letter_id" text,
        CONSTRAINT "pk_history_events" PRIMARY KEY ("config_id", "event_id", "received_at")
      ) PARTITION BY RANGE ("received_at")`);
    await queryRunner.query(`CREATE INDEX "ix_history_events_event" ON "history_events" ("event_id")`);
    await queryRunner.query(`CREATE INDEX "ix_history_events_session" ON "history_events" ("session_id", "received_at")`);
    await queryRunner.query(`CREATE INDEX "ix_history_events_customer" ON "history_events" ("customer_id", "received_at")`);
    await queryRunner.query(`CREATE INDEX "ix_history_events_received" ON "history_events" ("received_at")`);
    await queryRunner.query(`
      CREATE TABLE "history_attempts" (
        "config_id" varchar(128) NOT NULL,
        "event_id" text NOT NULL,
        "received_at" timestamptz NOT NULL,
        "attempt" integer NOT NULL,
        "at" timestamptz NOT NULL,
        "instance" varchar(160) NOT NULL,
        "result" varchar(32) NOT NULL,
        "detail" text
      ) PARTITION BY RANGE ("received_at")`);
    await queryRunner.query(`CREATE INDEX "ix_history_attempts_event" ON "history_attempts" ("config_id", "event_id")`);
    await queryRunner.query(`
      CREATE TABLE "history_devices" (
        "config_id" varchar(128) NOT NULL,
        "event_id" text NOT NULL,
        "received_at" timestamptz NOT NULL,
        "attempt" integer NOT NULL,
        "at" timestamptz NOT NULL,
        "token_digest" char(43) NOT NULL,
        "token_masked" varchar(32) NOT NULL,
        "platform" varchar(16),
        "outcome" varchar(32) NOT NULL,
        "code" varchar(128),
        "message_name" text,
        "latency_ms" integer
      ) PARTITION BY RANGE ("received_at")`);
    await queryRunner.query(`CREATE INDEX "ix_history_devices_event" ON "history_devices" ("config_id", "event_id")`);
    await queryRunner.query(`CREATE INDEX "ix_history_devices_token" ON "history_devices" ("token_digest", "received_at")`);
    // Today's and the next days' partitions; the apps add the rest with the configured retention.
    await maintainWith(queryRunner, 0);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [...HISTORY_TABLES].reverse()) await queryRunner.query(`DROP TABLE "${table}"`);
  }
}
