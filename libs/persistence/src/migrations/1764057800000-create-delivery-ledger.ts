import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The dispatcher's delivery ledger when the queue runs on Postgres (QUEUE_BACKEND=postgres). */
export class CreateDeliveryLedger1764057800000 implements MigrationInterface {
  name = 'CreateDeliveryLedger1764057800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "delivery_ledger" (
        "key" varchar(128) NOT NULL,
        "state" varchar(64) NOT NULL,
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "pk_delivery_ledger" PRIMARY KEY ("key")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_delivery_ledger_expires_at" ON "delivery_ledger" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "delivery_ledger"`);
  }
}
