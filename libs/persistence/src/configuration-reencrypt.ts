import type { ConfigCipher } from '@app/config';
import type { DataSource } from 'typeorm';
import { CONFIGURATION_CHANNEL, type SealedSecret } from './axp-configuration.repository';

/**
 * Re-seals the values sealed under an older key, one configuration per transaction (row locked),
 * and notifies the replicas. Values already under the current key are left as they are.
 */
export async function reencryptConfigurations(dataSource: DataSource, cipher: ConfigCipher): Promise<{ configurations: number; values: number }> {
  const ids: Array<{ id: string }> = await dataSource.query(`SELECT id FROM axp_configuration ORDER BY id`);
  let configurations = 0;
  let values = 0;
  for (const { id } of ids) {
    const changed = await dataSource.transaction(async (manager) => {
      const [row]: Array<{ secrets: SealedSecret[]; fcm_private_key: string | null }> = await manager.query(
        `SELECT secrets, fcm_private_key FROM axp_configuration WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!row) return 0;
      let count = 0;
      const secrets = row.secrets.map((s) => {
        if (!cipher.isStale(s.sealed)) return s;
        count += 1;
        return { fingerprint: s.fingerprint, sealed: cipher.seal(cipher.open(s.sealed)) };
      });
      let privateKey = row.fcm_private_key;
      if (privateKey !== null && cipher.isStale(privateKey)) {
        count += 1;
        privateKey = cipher.seal(cipher.open(privateKey));
      }
      if (count === 0) return 0;
      await manager.query(`UPDATE axp_configuration SET secrets = $2, fcm_private_key = $3 WHERE id = $1`, [id, JSON.stringify(secrets), privateKey]);
      await manager.query(`SELECT pg_notify($1, $2)`, [CONFIGURATION_CHANNEL, id]);
      return count;
    });
    if (changed > 0) configurations += 1;
    values += changed;
  }
  return { configurations, values };
}
