import { type AxpConfiguration, type ConfigCipher, DEFAULT_IOS_ALERT } from '@app/config';
import type { ConfigurationRow } from './axp-configuration.repository';

/** A stored configuration as the replicas serve it: secrets and private key opened, in memory only. */
export function openConfiguration(row: ConfigurationRow, cipher: ConfigCipher): AxpConfiguration {
  const account = row.fcmServiceAccount;
  const clientEmail = typeof account?.client_email === 'string' ? account.client_email : undefined;
  const accountProject = typeof account?.project_id === 'string' ? account.project_id : undefined;
  return {
    id: row.id,
    name: row.name ?? undefined,
    secrets: row.secrets.map((s) => cipher.open(s.sealed)),
    fcm: {
      projectId: row.fcmProjectId ?? accountProject,
      serviceAccount:
        clientEmail && row.fcmPrivateKey
          ? { projectId: accountProject, clientEmail, privateKey: cipher.open(row.fcmPrivateKey) }
          : undefined,
    },
    ios: { title: row.iosTitle ?? DEFAULT_IOS_ALERT.title, body: row.iosBody ?? DEFAULT_IOS_ALERT.body },
    source: 'store',
    version: new Date(row.updatedAt).toISOString(),
  };
}
