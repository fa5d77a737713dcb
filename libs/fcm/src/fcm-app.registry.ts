/**
 * One firebase-admin app per AXP configuration, created once at start and shared by every send.
 * With FCM_EMULATOR_HOST the apps talk to the emulator through the same `send()` path as production.
 */
import { Agent } from 'node:https';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type App, applicationDefault, cert, type Credential, deleteApp, getApps, initializeApp } from 'firebase-admin/app';
import { getMessaging, type Messaging } from 'firebase-admin/messaging';
import { APP_CONFIG, type AppConfig, type AxpConfiguration } from '@app/config';
import { EmulatorAgent, parseHostPort } from './emulator-agent';

/** Project id of emulator apps when neither the configuration nor FCM_PROJECT_ID names one. */
export const EMULATOR_PROJECT_ID = 'demo-axp-push';

const emulatorCredential: Credential = {
  getAccessToken: async () => ({ access_token: 'emulator', expires_in: 3600 }),
};

interface FcmApp {
  app: App;
  messaging: Messaging;
}

@Injectable()
export class FcmAppRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(FcmAppRegistry.name);
  private readonly apps = new Map<string, FcmApp>();
  /** One keep-alive agent with bounded sockets for every app: it is the whole FCM connection pool. */
  readonly agent: Agent;
  readonly mode: 'emulator' | 'production';

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const emulator = config.fcm.emulatorHost ? parseHostPort(config.fcm.emulatorHost) : undefined;
    this.mode = emulator ? 'emulator' : 'production';
    this.agent = emulator
      ? new EmulatorAgent(emulator.host, emulator.port, config.fcm.maxSockets)
      : new Agent({ keepAlive: true, maxSockets: config.fcm.maxSockets, maxFreeSockets: config.fcm.maxSockets, scheduling: 'lifo' });
    for (const configuration of config.axp.configurations) {
      const app = initializeApp(this.appOptions(configuration), this.appName(configuration.id));
      this.apps.set(configuration.id, { app, messaging: getMessaging(app) });
    }
    this.logger.log(
      `FCM ${this.mode === 'emulator' ? `emulator at ${config.fcm.emulatorHost}` : 'production'}: ` +
        `${this.apps.size} app(s) [${[...this.apps.keys()].join(', ')}], up to ${config.fcm.maxSockets} sockets`,
    );
  }

  /** The messaging client of a configuration; undefined when this dispatcher does not know it. */
  messaging(configId: string): Messaging | undefined {
    return this.apps.get(configId)?.messaging;
  }

  projectId(configId: string): string | undefined {
    return this.apps.get(configId)?.app.options.projectId;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.apps.values()].map(({ app }) => deleteApp(app)));
    this.apps.clear();
    this.agent.destroy();
  }

  private appOptions(configuration: AxpConfiguration) {
    const projectId = configuration.fcm.projectId ?? this.config.fcm.projectId;
    if (this.mode === 'emulator') {
      return { credential: emulatorCredential, projectId: projectId ?? EMULATOR_PROJECT_ID, httpAgent: this.agent };
    }
    return { credential: this.credential(configuration), projectId, httpAgent: this.agent };
  }

  private credential(configuration: AxpConfiguration): Credential {
    const file = configuration.fcm.credentialsFile ?? this.config.fcm.credentialsFile;
    if (!file) return applicationDefault();
    try {
      return cert(file);
    } catch (error) {
      throw new Error(
        `configuration '${configuration.id}': cannot load FCM service-account credentials from '${file}': ${(error as Error).message}`,
      );
    }
  }

  /** App names are process-wide in firebase-admin; a second dispatcher in one process (tests) gets a suffix. */
  private appName(configId: string): string {
    const taken = new Set(getApps().map((app) => app.name));
    let name = configId;
    for (let n = 2; taken.has(name); n += 1) name = `${configId}#${n}`;
    return name;
  }
}
