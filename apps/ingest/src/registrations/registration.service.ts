import { Injectable, Logger, Optional } from '@nestjs/common';
import { AxpConfigurationRegistry, type Platform } from '@app/config';
import { DatabaseConnector, type Registration, RegistrationRepository } from '@app/persistence';
import { isStoreUnavailable, notFound, storeUnavailable } from './registration-errors';

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
 * unknown), and turns an unreachable Postgres into a prompt 503 instead of a hang or a 500.
 */
@Injectable()
export class RegistrationService {
  private readonly logger = new Logger(RegistrationService.name);
  private lastStoreErrorLoggedAt = 0;

  constructor(
    private readonly repository: RegistrationRepository,
    private readonly configurations: AxpConfigurationRegistry,
    @Optional() private readonly connector?: DatabaseConnector,
  ) {}

  /** The configuration id to use: the given one when known (404 otherwise), else the default. */
  resolveConfigId(configId: string | undefined): string {
    const id = configId ?? this.configurations.defaultId;
    if (!this.configurations.find(id)) throw notFound('configId', id);
    return id;
  }

  async register(command: RegisterCommand): Promise<{ registration: Registration; created: boolean }> {
    const configId = this.resolveConfigId(command.configId);
    return this.store(() => this.repository.upsert({ ...command, configId }));
  }

  async find(configId: string | undefined, deviceToken: string): Promise<Registration | undefined> {
    const id = this.resolveConfigId(configId);
    return this.store(() => this.repository.findByToken(id, deviceToken));
  }

  /** A session's live registrations, oldest first. */
  async findBySession(configId: string | undefined, sessionId: string): Promise<Registration[]> {
    const id = this.resolveConfigId(configId);
    return this.store(() => this.repository.findBySession(id, sessionId));
  }

  /** True when a live registration was removed. */
  async remove(configId: string | undefined, deviceToken: string): Promise<boolean> {
    const id = this.resolveConfigId(configId);
    return this.store(() => this.repository.deleteByToken(id, deviceToken));
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
