import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from './config.tokens';
import type { AppConfig, AxpConfiguration } from './config.types';

type ChangeListener = (configurations: readonly AxpConfiguration[]) => void;

/**
 * The AXP configurations this replica serves, in memory: the environment's (AXP_SECRET,
 * AXP_CONFIG_FILE; read-only) and the stored ones, which the configuration sync replaces whole
 * whenever the store changes. The callback path reads only this map, never Postgres.
 */
@Injectable()
export class AxpConfigurationRegistry {
  private readonly fromEnvironment: ReadonlyMap<string, AxpConfiguration>;
  private byId: ReadonlyMap<string, AxpConfiguration>;
  private readonly listeners: ChangeListener[] = [];
  readonly defaultId: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.fromEnvironment = new Map(config.axp.configurations.map((c) => [c.id, { ...c, source: 'environment' as const }]));
    this.byId = this.fromEnvironment;
    this.defaultId = config.axp.defaultConfigId;
  }

  find(id: string): AxpConfiguration | undefined {
    return this.byId.get(id);
  }

  get default(): AxpConfiguration | undefined {
    return this.byId.get(this.defaultId);
  }

  /** Environment configurations first, then stored ones in the order given (oldest first). */
  all(): AxpConfiguration[] {
    return [...this.byId.values()];
  }

  /** True for AXP_SECRET / AXP_CONFIG_FILE configurations, which the admin API cannot change. */
  isReadOnly(id: string): boolean {
    return this.fromEnvironment.has(id);
  }

  /**
   * The configuration one of whose secrets signs `eventId + sessionId` as `signature` (the sample
   * connector's single callback path). Every secret of every configuration is compared, in constant
   * time each; when two configurations share a secret the first in `all()` order wins.
   */
  findBySignature(verify: (secret: string) => boolean): AxpConfiguration | undefined {
    let found: AxpConfiguration | undefined;
    for (const configuration of this.byId.values()) {
      for (const secret of configuration.secrets) {
        if (verify(secret) && !found) found = configuration;
      }
    }
    return found;
  }

  /** Replaces the stored configurations; an id the environment defines keeps the environment's. */
  replaceStored(stored: readonly AxpConfiguration[]): void {
    const next = new Map(this.fromEnvironment);
    for (const c of stored) if (!next.has(c.id)) next.set(c.id, { ...c, source: 'store' });
    this.byId = next;
    const all = this.all();
    for (const listener of this.listeners) listener(all);
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }
}
