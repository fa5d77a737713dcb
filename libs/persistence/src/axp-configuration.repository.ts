import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/** Postgres channel every write notifies; each replica's configuration sync listens on it. */
export const CONFIGURATION_CHANNEL = 'axp_configuration_changed';

/** A secret as stored: its fingerprint and its AES-256-GCM sealed value. */
export interface SealedSecret {
  fingerprint: string;
  sealed: string;
}

/** One row of axp_configuration; nothing in it is a secret in clear. */
export interface ConfigurationRow {
  id: string;
  name: string | null;
  secrets: SealedSecret[];
  fcmProjectId: string | null;
  /** The service-account JSON without its private_key. */
  fcmServiceAccount: Record<string, unknown> | null;
  /** The sealed private_key. */
  fcmPrivateKey: string | null;
  iosTitle: string | null;
  iosBody: string | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ApiKeyRow {
  keyHash: string;
  configId: string;
  fingerprint: string;
  kind: 'app' | 'server';
  createdAt: Date;
}

const SELECT_CONFIGURATION = `SELECT id, name, secrets, fcm_project_id AS "fcmProjectId", fcm_service_account AS "fcmServiceAccount",
  fcm_private_key AS "fcmPrivateKey", ios_title AS "iosTitle", ios_body AS "iosBody", enabled,
  created_at AS "createdAt", updated_at AS "updatedAt" FROM axp_configuration`;

const SELECT_KEY = `SELECT key_hash AS "keyHash", configuration_id AS "configId", fingerprint, kind, created_at AS "createdAt"
  FROM axp_configuration_api_key`;

/** Stored AXP configurations and their registration keys; every write notifies CONFIGURATION_CHANNEL in its transaction. */
@Injectable()
export class AxpConfigurationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Oldest first: the order in which a shared secret picks its configuration. */
  list(): Promise<ConfigurationRow[]> {
    return this.dataSource.query(`${SELECT_CONFIGURATION} ORDER BY created_at, id`);
  }

  async find(id: string): Promise<ConfigurationRow | undefined> {
    const rows: ConfigurationRow[] = await this.dataSource.query(`${SELECT_CONFIGURATION} WHERE id = $1`, [id]);
    return rows[0];
  }

  /** Inserts or replaces a configuration (created_at kept); true when it was new. */
  save(row: Omit<ConfigurationRow, 'createdAt' | 'updatedAt'>): Promise<boolean> {
    return this.notifying(row.id, async (manager) => {
      const [{ created }]: Array<{ created: boolean }> = await manager.query(
        `INSERT INTO axp_configuration (id, name, secrets, fcm_project_id, fcm_service_account, fcm_private_key, ios_title, ios_body, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, secrets = EXCLUDED.secrets, fcm_project_id = EXCLUDED.fcm_project_id,
           fcm_service_account = EXCLUDED.fcm_service_account, fcm_private_key = EXCLUDED.fcm_private_key,
           ios_title = EXCLUDED.ios_title, ios_body = EXCLUDED.ios_body, enabled = EXCLUDED.enabled, updated_at = now()
         RETURNING (xmax = 0) AS created`,
        [
          row.id,
          row.name,
          JSON.stringify(row.secrets),
          row.fcmProjectId,
          row.fcmServiceAccount === null ? null : JSON.stringify(row.fcmServiceAccount),
          row.fcmPrivateKey,
          row.iosTitle,
          row.iosBody,
          row.enabled,
        ],
      );
      return created;
    });
  }

  /** Replaces a configuration's secrets only; false when it does not exist. */
  updateSecrets(id: string, secrets: SealedSecret[]): Promise<boolean> {
    return this.notifying(id, async (manager) => {
      const [, count]: [unknown, number] = await manager.query(
        `UPDATE axp_configuration SET secrets = $2, updated_at = now() WHERE id = $1`,
        [id, JSON.stringify(secrets)],
      );
      return count > 0;
    });
  }

  /** True when a configuration was removed (its keys go with it). */
  delete(id: string): Promise<boolean> {
    return this.notifying(id, async (manager) => {
      const [, count]: [unknown, number] = await manager.query(`DELETE FROM axp_configuration WHERE id = $1`, [id]);
      return count > 0;
    });
  }

  listKeys(configId?: string): Promise<ApiKeyRow[]> {
    return configId === undefined
      ? this.dataSource.query(`${SELECT_KEY} ORDER BY created_at`)
      : this.dataSource.query(`${SELECT_KEY} WHERE configuration_id = $1 ORDER BY created_at`, [configId]);
  }

  addKey(key: Omit<ApiKeyRow, 'createdAt'>): Promise<void> {
    return this.notifying(key.configId, async (manager) => {
      await manager.query(
        `INSERT INTO axp_configuration_api_key (key_hash, configuration_id, fingerprint, kind) VALUES ($1, $2, $3, $4)`,
        [key.keyHash, key.configId, key.fingerprint, key.kind],
      );
    });
  }

  /** Removes the configuration's keys with that fingerprint; true when one was removed. */
  deleteKey(configId: string, fingerprint: string): Promise<boolean> {
    return this.notifying(configId, async (manager) => {
      const [, count]: [unknown, number] = await manager.query(
        `DELETE FROM axp_configuration_api_key WHERE configuration_id = $1 AND fingerprint = $2`,
        [configId, fingerprint],
      );
      return count > 0;
    });
  }

  /** Runs a write and its NOTIFY in one transaction, so listeners hear only of committed changes. */
  private notifying<T>(id: string, write: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const result = await write(manager);
      await manager.query(`SELECT pg_notify($1, $2)`, [CONFIGURATION_CHANNEL, id]);
      return result;
    });
  }
}
