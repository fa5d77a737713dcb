import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOutbox1764057700000 implements MigrationInterface {
  name = 'CreateOutbox1764057700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "outbox" (
        "job_id" varchar(2600) NOT NULL,
        "data" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_outbox" PRIMARY KEY ("job_id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_outbox_created_at" ON "outbox" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "outbox"`);
  }
}
