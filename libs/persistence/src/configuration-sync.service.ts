import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import {
  APP_CONFIG,
  type AppConfig,
  AxpConfigurationRegistry,
  ConfigCipher,
  EncryptionKeyError,
  RegistrationKeyStore,
} from '@app/config';
import { AxpConfigurationRepository, CONFIGURATION_CHANNEL } from './axp-configuration.repository';
import { openConfiguration } from './stored-configuration.codec';

const RECONNECT_MS = 1_000;
/** Notifications that arrive together cause one re-read. */
const DEBOUNCE_MS = 50;

/**
 * Keeps this replica's configurations and registration keys in step with the store: a Postgres
 * LISTEN on CONFIGURATION_CHANNEL re-reads them on every committed change, and a re-read every
 * CONFIG_REFRESH_SECONDS covers notifications missed while the listener was reconnecting.
 */
@Injectable()
export class ConfigurationSync implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ConfigurationSync.name);
  private readonly cipher: ConfigCipher;
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private stopped = false;
  private lastSignature = '';

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AxpConfigurationRepository,
    private readonly registry: AxpConfigurationRegistry,
    private readonly keys: RegistrationKeyStore,
  ) {
    this.cipher = new ConfigCipher(config.configStore.encryptionKey, config.configStore.previousEncryptionKey);
  }

  async onModuleInit(): Promise<void> {
    // A stored configuration this replica cannot decrypt stops the start, naming the variable.
    await this.refresh({ failOnKeyError: true });
    this.timer = setInterval(() => void this.refresh(), this.config.configStore.refreshSeconds * 1000);
    this.timer.unref();
    void this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.debounce);
    await this.listener?.end().catch(() => undefined);
    await this.refreshing;
  }

  /** Re-reads the store and replaces this replica's stored configurations and keys. */
  refresh(options: { failOnKeyError?: boolean } = {}): Promise<void> {
    this.refreshing ??= this.load(options.failOnKeyError === true).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async load(failOnKeyError: boolean): Promise<void> {
    if (this.stopped || !this.dataSource.isInitialized) return;
    try {
      const [rows, keys] = await Promise.all([this.repository.list(), this.repository.listKeys()]);
      const configurations = rows.filter((r) => r.enabled).map((r) => openConfiguration(r, this.cipher));
      const liveIds = new Set(configurations.map((c) => c.id));
      this.keys.replaceStored(keys.filter((k) => liveIds.has(k.configId)).map((k) => ({ hash: k.keyHash, configId: k.configId, kind: k.kind })));
      const signature = JSON.stringify(configurations.map((c) => [c.id, c.version]));
      if (signature === this.lastSignature) return;
      this.lastSignature = signature;
      this.registry.replaceStored(configurations);
      this.logger.log(`stored configurations: [${configurations.map((c) => c.id).join(', ')}]`);
    } catch (error) {
      if (error instanceof EncryptionKeyError) {
        if (failOnKeyError) throw error;
        this.logger.error(`stored configurations not applied: ${error.message}`);
        return;
      }
      // Postgres away or not migrated yet: keep what this replica has and retry on the next tick.
      this.logger.warn(`stored configurations not re-read: ${(error as Error).message}`);
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.database.url, connectionTimeoutMillis: 3_000 });
    this.listener = client;
    const retry = () => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      if (this.stopped || this.listener !== client) return;
      this.reconnectTimer = setTimeout(() => void this.listen(), RECONNECT_MS);
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', () => {
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CONFIGURATION_CHANNEL}`);
      // Changes made while the listener was away were not notified.
      void this.refresh();
    } catch {
      retry();
    }
  }
}
