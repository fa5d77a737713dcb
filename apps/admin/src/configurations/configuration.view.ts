import { type AxpConfiguration, fingerprint } from '@app/config';
import type { ApiKeyRow, ConfigurationRow } from '@app/persistence';

/** A configuration as the admin API answers it: fingerprints only, never a secret, private key or API key. */
export interface ConfigurationView {
  id: string;
  name: string | null;
  source: 'environment' | 'store';
  readOnly: boolean;
  enabled: boolean;
  secrets: Array<{ fingerprint: string }>;
  fcm: {
    projectId: string | null;
    serviceAccount: { clientEmail: string | null; projectId: string | null } | null;
  };
  ios: { title: string | null; body: string | null };
  apiKeys: Array<{ fingerprint: string; kind: 'app' | 'server'; createdAt: string }>;
  createdAt: string | null;
  updatedAt: string | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const iso = (value: Date | string): string => new Date(value).toISOString();

export function storedView(row: ConfigurationRow, keys: ApiKeyRow[]): ConfigurationView {
  const account = row.fcmServiceAccount;
  return {
    id: row.id,
    name: row.name,
    source: 'store',
    readOnly: false,
    enabled: row.enabled,
    secrets: row.secrets.map((s) => ({ fingerprint: s.fingerprint })),
    fcm: {
      projectId: row.fcmProjectId ?? str(account?.project_id),
      serviceAccount: account ? { clientEmail: str(account.client_email), projectId: str(account.project_id) } : null,
    },
    ios: { title: row.iosTitle, body: row.iosBody },
    apiKeys: keys.map((k) => ({ fingerprint: k.fingerprint, kind: k.kind, createdAt: iso(k.createdAt) })),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function environmentView(configuration: AxpConfiguration): ConfigurationView {
  return {
    id: configuration.id,
    name: configuration.name ?? null,
    source: 'environment',
    readOnly: true,
    enabled: true,
    secrets: configuration.secrets.map((s) => ({ fingerprint: fingerprint(s) })),
    fcm: { projectId: configuration.fcm.projectId ?? null, serviceAccount: null },
    ios: { title: configuration.ios.title, body: configuration.ios.body },
    apiKeys: [],
    createdAt: null,
    updatedAt: null,
  };
}
