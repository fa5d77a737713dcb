import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * AXP configurations managed at run time. Secrets and the service account's private key are
 * AES-256-GCM sealed (CONFIG_ENCRYPTION_KEY); per-configuration registration keys are stored as
 * their SHA-256 only. Rows live until deleted through the admin API (keys go with their configuration).
 */
export class CreateAxpConfigurations1764058400000 implements MigrationInterface {
  name = 'CreateAxpConfigurations1764058400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "axp_configuration" (
        "id" varchar(128) NOT NULL,
        "name" varchar(200),
        "secrets" jsonb NOT NULL DEFAULT '[]',
        "fcm_project_id" varchar(200),
        "fcm_service_account" jsonb,
        "fcm_private_key" text,
        "ios_title" varchar(200),
        "ios_body" varchar(1000),
        "enabled" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_axp_configuration" PRIMARY KEY ("id")
      )`);
    await queryRunner.query(`
      CREATE TABLE "axp_configuration_api_key" (
        "key_hash" char(64) NOT NULL,
        "configuration_id" varchar(128) NOT NULL,
        "fingerprint" char(8) NOT NULL,
        "kind" varchar(10) NOT NULL DEFAULT 'server',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_axp_configuration_api_key" PRIMARY KEY ("key_hash"),
        CONSTRAINT "ck_axp_configuration_api_key_kind" CHECK ("kind" IN ('app', 'server')),
        CONSTRAINT "fk_axp_configuration_api_key_configuration" FOREIGN KEY ("configuration_id")
          REFERENCES "axp_configuration" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_axp_configuration_api_key_configuration" ON "axp_configuration_api_key" ("configuration_id")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "axp_configuration_api_key"`);
    await queryRunner.query(`DROP TABLE "axp_configuration"`);
  }
}
