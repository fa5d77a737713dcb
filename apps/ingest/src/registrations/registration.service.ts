import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, AxpConfigurationRegistry, type Platform } from '@app/config';
import { DatabaseConnector, type Registration, RegistrationRepository } from '@app/persistence';
import type { RegistrationCaller } from './registration-caller';
import { isStoreUnavailable, notFound, storeUnavailable } from './registration-errors';

/** The environment's server key, for calls made without a key (REGISTRATION_AUTH=none, tools). */
const ANY_CALLER: RegistrationCaller = { key: { kind: 'server', scope: 'all' } };

export interface RegisterCommand {
  configId?: string;
  deviceToken: string;
  sessionId: string;
  customerId?: string | null;
  platform?: Platform;
}

/** Most registrations the sample's list route returns. */
export const LIST_LIMIT = 1_000;

/**
 * The registration use cases behind both route families: resolves the configuration (404 when
 * unknown), binds a registration to the customer of a verified token,
 * keeps at most REGISTRATION_MAX_DEVICES_PER_SESSION devices per session (the least recently
 * registered go), and turns an unreachable Postgres into a prompt 503 instead of a hang or a 500.
 */
@Injectable()
export class RegistrationService {
  private readonly logger = new Logger(RegistrationService.name);
  private lastStoreErrorLoggedAt = 0;
  private readonly maxDevicesPerSession: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repository: RegistrationRepository,
    private readonly configurations: AxpConfigurationRegistry,
    @Optional() private readonly connector?: DatabaseConnector,
  ) {
    this.maxDevicesPerSession = config.registrations.maxDevicesPerSession;
  }

  /** The configuration id to use: the given one when known (404 otherwise), else the default. */
  resolveConfigId(configId: string | undefined): string {
    const id = configId ?? this.configurations.defaultId;
    if (!this.configurations.find(id)) throw notFound('configId', id);
    return id;
  }

  /** With a verified customer token the customerId is the token's, whatever the body says. */
  async register(
    command: RegisterCommand,
    caller: RegistrationCaller = ANY_CALLER,
  ): Promise<{ registration: Registration; created: boolean }> {
    const configId = this.resolveConfigId(command.configId);
    const bound = caller.customerId !== undefined;
    const input = { ...command, configId, customerId: bound ? caller.customerId : command.customerId, customerBound: bound };
    return this.store(async () => {
      const result = await this.repository.upsert(input);
      await this.repository.trimSession(configId, command.sessionId, this.maxDevicesPerSession);
      return result;
    });
  }

  /** A registration bound to another customer than the caller's token is not theirs to see: none. */
  async find(configId: string | undefined, deviceToken: string, caller: RegistrationCaller = ANY_CALLER): Promise<Registration | undefined> {
    const id = this.resolveConfigId(configId);
    const registration = await this.store(() => this.repository.findByToken(id, deviceToken));
    return registration && this.visibleTo(registration, caller) ? registration : undefined;
  }

  private visibleTo(registration: Registration, caller: RegistrationCaller): boolean {
    if (caller.key.kind === 'server' && caller.customerId === undefined) return true;
    return !registration.customerBound || registration.customerId === caller.customerId;
  }

  /** A session's live registrations, oldest first. */
  async findBySession(configId: string | undefined, sessionId: string): Promise<Registration[]> {
    const id = this.resolveConfigId(configId);
    return this.store(() => this.repository.findBySession(id, sessionId));
  }

  /** True when a live registration was removed (one bound to another customer stays: false). */
  async remove(configId: string | undefined, deviceToken: string, caller: RegistrationCaller = ANY_CALLER): Promise<boolean> {
    const id = this.resolveConfigId(configId);
    if (!(caller.key.kind === 'server' && caller.customerId === undefined)) {
      const registration = await this.store(() => this.repository.findByToken(id, deviceToken));
      if (!registration || !this.visibleTo(registration, caller)) return false;
    }
    return this.store(() => this.repository.deleteByToken(id, deviceToken));
  }

  /**
   * The sample's token routes without a configId: the token's registration in whichever configuration
   * the caller's key reaches (every one for an unscoped key), the most recently registered first.
   */
  async findInAny(deviceToken: string, caller: RegistrationCaller = ANY_CALLER): Promise<Registration | undefined> {
    const found = await this.store(() => this.repository.findByTokenIn(this.reachable(caller), deviceToken));
    return found.find((registration) => this.visibleTo(registration, caller));
  }

  /** Removes the token's registrations the caller may see, in every configuration its key reaches. */
  async removeInAny(deviceToken: string, caller: RegistrationCaller = ANY_CALLER): Promise<boolean> {
    const found = await this.store(() => this.repository.findByTokenIn(this.reachable(caller), deviceToken));
    let removed = false;
    for (const registration of found.filter((r) => this.visibleTo(r, caller))) {
      if (await this.store(() => this.repository.deleteByToken(registration.configId, deviceToken))) removed = true;
    }
    return removed;
  }

  /** A session's live registrations in every configuration the caller's key reaches, oldest first. */
  async findBySessionInAny(sessionId: string, caller: RegistrationCaller = ANY_CALLER): Promise<Registration[]> {
    return this.store(() => this.repository.findBySessionIn(this.reachable(caller), sessionId));
  }

  private reachable(caller: RegistrationCaller): string[] {
    const scope = caller.key.scope;
    return scope === 'all' ? this.configurations.all().map((c) => c.id) : this.configurations.find(scope) ? [scope] : [];
  }

  async list(configId: string | undefined): Promise<Registration[]> {
    const id = this.resolveConfigId(configId);
    return this.store(() => this.repository.list(id, LIST_LIMIT));
  }

  private async store<T>(operation: () => Promise<T>): Promise<T> {
    if (this.connector && !this.connector.connected) throw storeUnavailable();
    try {
      return await operation();
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      if (Date.now() - this.lastStoreErrorLoggedAt > 10_000) {
        this.lastStoreErrorLoggedAt = Date.now();
        this.logger.warn(`registration store unavailable: ${(error as Error).message}`);
      }
      throw storeUnavailable();
    }
  }
}
