import { createHash, randomBytes } from 'node:crypto';
import { ConflictException, HttpException, HttpStatus, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import {
  APP_CONFIG,
  type AppConfig,
  type AxpConfiguration,
  AxpConfigurationRegistry,
  ConfigCipher,
  EncryptionKeyError,
  fingerprint,
  type RegistrationKeyKind,
} from '@app/config';
import { AxpConfigurationRepository, ConfigurationSync, type ConfigurationRow } from '@app/persistence';
import { type ConfigurationBody, type ServiceAccountJson } from './configuration-body';
import { type ConfigurationView, environmentView, storedView } from './configuration.view';

/**
 * Writes stored configurations: seals secrets and private keys, stores API keys as SHA-256 only,
 * and refuses to change the environment's configurations (409). Every write reaches the other
 * replicas through the store's notification (ConfigurationSync).
 */
@Injectable()
export class ConfigurationAdminService {
  private readonly logger = new Logger(ConfigurationAdminService.name);
  private readonly cipher: ConfigCipher;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repository: AxpConfigurationRepository,
    private readonly registry: AxpConfigurationRegistry,
    private readonly sync: ConfigurationSync,
  ) {
    this.cipher = new ConfigCipher(config.configStore.encryptionKey, config.configStore.previousEncryptionKey);
  }

  async list(): Promise<ConfigurationView[]> {
    const [rows, keys] = await Promise.all([this.repository.list(), this.repository.listKeys()]);
    const environment = this.registry.all().filter((c) => this.registry.isReadOnly(c.id));
    const stored = rows.filter((r) => !this.registry.isReadOnly(r.id));
    return [...environment.map(environmentView), ...stored.map((r) => storedView(r, keys.filter((k) => k.configId === r.id)))];
  }

  async get(id: string): Promise<ConfigurationView> {
    const environment = this.environmentConfiguration(id);
    if (environment) return environmentView(environment);
    const row = await this.row(id);
    return storedView(row, await this.repository.listKeys(id));
  }

  /** Creates or replaces a configuration; `created` tells 201 from 200. */
  async put(id: string, body: ConfigurationBody): Promise<{ view: ConfigurationView; created: boolean }> {
    this.refuseReadOnly(id);
    const existing = await this.repository.find(id);
    const account = body.fcm.serviceAccount ? this.sealAccount(body.fcm.serviceAccount) : { publicPart: null, sealedKey: null };
    const created = await this.sealing(() =>
      this.repository.save({
        id,
        name: body.name ?? existing?.name ?? null,
        secrets: body.secrets.map((secret) => ({ fingerprint: fingerprint(secret), sealed: this.cipher.seal(secret) })),
        fcmProjectId: body.fcm.projectId ?? null,
        fcmServiceAccount: account.publicPart,
        fcmPrivateKey: account.sealedKey,
        iosTitle: body.ios?.title ?? null,
        iosBody: body.ios?.body ?? null,
        enabled: true,
      }),
    );
    this.logger.log(`configuration '${id}' ${created ? 'created' : 'replaced'} (${body.secrets.length} secret(s))`);
    return { view: await this.applied(id), created };
  }

  /** The sample connector's write: only the service account changes; a new id gets no secret yet. */
  async putServiceAccount(id: string, serviceAccount: ServiceAccountJson): Promise<ConfigurationRow> {
    this.refuseReadOnly(id);
    const existing = await this.repository.find(id);
    const account = this.sealAccount(serviceAccount);
    await this.sealing(() =>
      this.repository.save({
        id,
        name: existing?.name ?? null,
        secrets: existing?.secrets ?? [],
        fcmProjectId: existing?.fcmProjectId ?? null,
        fcmServiceAccount: account.publicPart,
        fcmPrivateKey: account.sealedKey,
        iosTitle: existing?.iosTitle ?? null,
        iosBody: existing?.iosBody ?? null,
        enabled: true,
      }),
    );
    this.logger.log(`configuration '${id}': service account set (${serviceAccount.client_email})`);
    await this.sync.refresh();
    return this.row(id);
  }

  async storedRows(): Promise<ConfigurationRow[]> {
    return (await this.repository.list()).filter((r) => !this.registry.isReadOnly(r.id));
  }

  async row(id: string): Promise<ConfigurationRow> {
    const row = this.registry.isReadOnly(id) ? undefined : await this.repository.find(id);
    if (!row) throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `configuration [${id}] not found` });
    return row;
  }

  async remove(id: string): Promise<void> {
    this.refuseReadOnly(id);
    if (!(await this.repository.delete(id))) await this.row(id);
    this.logger.log(`configuration '${id}' deleted`);
    await this.sync.refresh();
  }

  async addSecret(id: string, secret: string): Promise<ConfigurationView> {
    this.refuseReadOnly(id);
    const row = await this.row(id);
    const print = fingerprint(secret);
    if (row.secrets.some((s) => s.fingerprint === print)) return this.get(id);
    if (row.secrets.length >= 10) throw new ConflictException({ statusCode: 409, error: 'Conflict', message: 'a configuration holds at most 10 secrets: remove one first' });
    const sealed = this.sealing(() => this.cipher.seal(secret));
    await this.repository.updateSecrets(id, [...row.secrets, { fingerprint: print, sealed }]);
    this.logger.log(`configuration '${id}': secret ${print} added`);
    return this.applied(id);
  }

  async removeSecret(id: string, print: string): Promise<void> {
    this.refuseReadOnly(id);
    const row = await this.row(id);
    const kept = row.secrets.filter((s) => s.fingerprint !== print);
    if (kept.length === row.secrets.length) throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `secret ${print} not found` });
    await this.repository.updateSecrets(id, kept);
    this.logger.log(`configuration '${id}': secret ${print} removed`);
    await this.sync.refresh();
  }

  /** A new registration key for one configuration: answered once, stored as its SHA-256. */
  async createKey(id: string, kind: RegistrationKeyKind): Promise<{ key: string; fingerprint: string; kind: RegistrationKeyKind; configId: string }> {
    this.refuseReadOnly(id);
    await this.row(id);
    const key = `axpk_${randomBytes(32).toString('base64url')}`;
    const hash = createHash('sha256').update(key, 'utf8').digest('hex');
    const print = hash.slice(0, 8);
    await this.repository.addKey({ keyHash: hash, configId: id, fingerprint: print, kind });
    this.logger.log(`configuration '${id}': ${kind} key ${print} created`);
    await this.sync.refresh();
    return { key, fingerprint: print, kind, configId: id };
  }

  async deleteKey(id: string, print: string): Promise<void> {
    this.refuseReadOnly(id);
    await this.row(id);
    if (!(await this.repository.deleteKey(id, print))) {
      throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `API key ${print} not found` });
    }
    this.logger.log(`configuration '${id}': key ${print} deleted`);
    await this.sync.refresh();
  }

  private async applied(id: string): Promise<ConfigurationView> {
    await this.sync.refresh();
    return this.get(id);
  }

  private environmentConfiguration(id: string): AxpConfiguration | undefined {
    return this.registry.isReadOnly(id) ? this.registry.find(id) : undefined;
  }

  private refuseReadOnly(id: string): void {
    if (this.registry.isReadOnly(id)) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: `configuration [${id}] comes from AXP_SECRET / AXP_CONFIG_FILE and is read-only: change it in the environment`,
      });
    }
  }

  /** The service account without its private_key, and the private_key sealed. */
  private sealAccount(account: ServiceAccountJson): { publicPart: Record<string, unknown>; sealedKey: string } {
    const { private_key: privateKey, ...publicPart } = account;
    return { publicPart, sealedKey: this.sealing(() => this.cipher.seal(privateKey)) };
  }

  /** A store write without CONFIG_ENCRYPTION_KEY is a 503 that says what to set. */
  private sealing<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      if (error instanceof EncryptionKeyError) {
        throw new HttpException({ statusCode: 503, error: 'Service Unavailable', message: error.message }, HttpStatus.SERVICE_UNAVAILABLE);
      }
      throw error;
    }
  }
}
