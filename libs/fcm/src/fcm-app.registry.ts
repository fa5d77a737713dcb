/**
 * One firebase-admin app per AXP configuration, shared by every send: created at start, and
 * created, replaced or deleted live when a stored configuration changes (AxpConfigurationRegistry).
 * A replaced app is deleted only after RETIRE_MS, so sends in flight finish on it.
 * With FCM_EMULATOR_HOST the apps talk to the emulator through the same `send()` path as production.
 */
import { Agent } from 'node:https';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type App, applicationDefault, cert, type Credential, deleteApp, getApps, initializeApp } from 'firebase-admin/app';
import { getMessaging, type Messaging } from 'firebase-admin/messaging';
import { APP_CONFIG, type AppConfig, type AxpConfiguration, AxpConfigurationRegistry } from '@app/config';
import { EmulatorAgent, parseHostPort } from './emulator-agent';

/** Project id of emulator apps when neither the configuration nor FCM_PROJECT_ID names one. */
export const EMULATOR_PROJECT_ID = 'demo-axp-push';

const emulatorCredential: Credential = {
  getAccessToken: async () => ({ access_token: 'emulator', expires_in: 3600 }),
};

/** How long a replaced or removed app lives on for the sends that already hold it (a send is bounded well below this). */
const RETIRE_MS = 60_000;

interface FcmApp {
  app: App;
  messaging: Messaging;
  /** The configuration's version when the app was made; a new version replaces the app. */
  version?: string;
}

@Injectable()
export class FcmAppRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(FcmAppRegistry.name);
  private readonly apps = new Map<string, FcmApp>();
  /** One keep-alive agent with bounded sockets for every app: it is the whole FCM connection pool. */
  readonly agent: Agent;
  readonly mode: 'emulator' | 'production';
  private readonly retiring = new Map<NodeJS.Timeout, App>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    configurations: AxpConfigurationRegistry,
  ) {
    const emulator = config.fcm.emulatorHost ? parseHostPort(config.fcm.emulatorHost) : undefined;
    this.mode = emulator ? 'emulator' : 'production';
    this.agent = emulator
      ? new EmulatorAgent(emulator.host, emulator.port, config.fcm.maxSockets)
      : new Agent({ keepAlive: true, maxSockets: config.fcm.maxSockets, maxFreeSockets: config.fcm.maxSockets, scheduling: 'lifo' });
    for (const configuration of configurations.all()) {
      const app = initializeApp(this.appOptions(configuration), this.appName(configuration.id));
      this.apps.set(configuration.id, { app, messaging: getMessaging(app), version: configuration.version });
    }
    configurations.onChange((all) => this.apply(all));
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

  /** Creates apps for new configurations, replaces changed ones and retires removed ones. */
  private apply(configurations: readonly AxpConfiguration[]): void {
    const present = new Set(configurations.map((c) => c.id));
    for (const [id, entry] of this.apps) {
      if (!present.has(id)) {
        this.apps.delete(id);
        this.retire(entry.app);
        this.logger.log(`FCM app of configuration '${id}' removed`);
      }
    }
    for (const configuration of configurations) {
      const current = this.apps.get(configuration.id);
      if (current && current.version === configuration.version) continue;
      try {
        const app = initializeApp(this.appOptions(configuration), this.appName(configuration.id));
        this.apps.set(configuration.id, { app, messaging: getMessaging(app), version: configuration.version });
        if (current) this.retire(current.app);
        this.logger.log(`FCM app of configuration '${configuration.id}' ${current ? 'replaced' : 'created'} (project ${app.options.projectId ?? 'from credentials'})`);
      } catch (error) {
        // Keep the previous app, if any: a bad credential must not stop the configurations that work.
        this.logger.error(`FCM app of configuration '${configuration.id}' not created: ${(error as Error).message}`);
      }
    }
  }

  private retire(app: App): void {
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      void deleteApp(app).catch(() => undefined);
    }, RETIRE_MS);
    timer.unref();
    this.retiring.set(timer, app);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.retiring.keys()) clearTimeout(timer);
    const apps = [...this.retiring.values(), ...[...this.apps.values()].map((entry) => entry.app)];
    this.retiring.clear();
    await Promise.all(apps.map((app) => deleteApp(app).catch(() => undefined)));
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
    const account = configuration.fcm.serviceAccount;
    if (account) return cert({ projectId: account.projectId, clientEmail: account.clientEmail, privateKey: account.privateKey });
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
