import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRegistrations1764057600000 implements MigrationInterface {
  name = 'CreateRegistrations1764057600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "registrations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "config_id" varchar(128) NOT NULL,
        "device_token" varchar(4096) NOT NULL,
        "token_hash" bytea NOT NULL,
        "session_id" varchar(256) NOT NULL,
        "customer_id" varchar(256),
        "platform" varchar(16) NOT NULL DEFAULT 'android',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "last_seen_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "pk_registrations" PRIMARY KEY ("id"),
        CONSTRAINT "ck_registrations_platform" CHECK ("platform" IN ('android', 'ios', 'web'))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_registrations_config_token" ON "registrations" ("config_id", "token_hash")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_registrations_config_session" ON "registrations" ("config_id", "session_id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_registrations_customer" ON "registrations" ("customer_id")`);
    await queryRunner.query(`CREATE INDEX "ix_registrations_expires_at" ON "registrations" ("expires_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "registrations"`);
  }
}
