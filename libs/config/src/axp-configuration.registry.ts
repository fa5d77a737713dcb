import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from './config.tokens';
import type { AppConfig, AxpConfiguration } from './config.types';

/** Looks up AXP configurations by id; the default one serves the sample-compatible routes. */
@Injectable()
export class AxpConfigurationRegistry {
  private readonly byId: ReadonlyMap<string, AxpConfiguration>;
  readonly defaultId: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.byId = new Map(config.axp.configurations.map((c) => [c.id, c]));
    this.defaultId = config.axp.defaultConfigId;
  }

  find(id: string): AxpConfiguration | undefined {
    return this.byId.get(id);
  }

  get default(): AxpConfiguration | undefined {
    return this.byId.get(this.defaultId);
  }

  all(): AxpConfiguration[] {
    return [...this.byId.values()];
  }
}
