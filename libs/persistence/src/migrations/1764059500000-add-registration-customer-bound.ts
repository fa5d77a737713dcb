import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marks registrations whose customer_id came from a verified customer JWT: the dispatcher sends
 * such a device only the events of that customer.
 */
export class AddRegistrationCustomerBound1764059500000 implements MigrationInterface {
  name = 'AddRegistrationCustomerBound1764059500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "registrations" ADD COLUMN "customer_bound" boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "registrations" DROP COLUMN "customer_bound"`);
  }
}
