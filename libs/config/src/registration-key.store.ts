import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from './config.tokens';
import type { AppConfig } from './config.types';

/** 'server' keys may list and search; 'app' keys are what a mobile app carries. */
export type RegistrationKeyKind = 'app' | 'server';

/** What a presented key may do: every configuration's registrations ('all') or one configuration's. */
export interface RegistrationKeyGrant {
  scope: 'all' | string;
  kind: RegistrationKeyKind;
}

/** A per-configuration key as stored: only the SHA-256 of the key, never the key. */
export interface StoredRegistrationKey {
  hash: string;
  configId: string;
  kind: RegistrationKeyKind;
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Resolves a presented registration API key in memory: the global REGISTRATION_API_KEYS (every
 * configuration) and the per-configuration keys created through the admin API, which the
 * configuration sync replaces whenever the store changes. No Postgres on the request path.
 */
@Injectable()
export class RegistrationKeyStore {
  private readonly globalKeys: Array<{ digest: Buffer; grant: RegistrationKeyGrant }>;
  private stored: ReadonlyMap<string, RegistrationKeyGrant> = new Map();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.globalKeys = config.registrations.apiKeys.map((key) => ({ digest: sha256(key), grant: { scope: 'all', kind: 'server' } }));
  }

  /** The grant of a presented key; undefined when no key matches. Global keys are compared in constant time. */
  resolve(presented: string): RegistrationKeyGrant | undefined {
    const digest = sha256(presented);
    let grant: RegistrationKeyGrant | undefined;
    for (const key of this.globalKeys) if (timingSafeEqual(digest, key.digest) && !grant) grant = key.grant;
    // A map lookup by the key's SHA-256: the caller cannot steer which digest bytes it compares.
    return grant ?? this.stored.get(digest.toString('hex'));
  }

  /** True when any key exists, stored or global (a guard with none refuses everything). */
  get size(): number {
    return this.globalKeys.length + this.stored.size;
  }

  replaceStored(keys: readonly StoredRegistrationKey[]): void {
    this.stored = new Map(keys.map((k) => [k.hash, { scope: k.configId, kind: k.kind }]));
  }
}
