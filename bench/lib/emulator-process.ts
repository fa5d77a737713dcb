/**
 * The project's FCM emulator as built (dist/tools/fcm-emulator), in a process of its own, driven
 * through its HTTP control API under /__emulator/.
 */
import { APP_ENTRIES } from './bench-context';
import { type ChildHandle, startChild } from './child-process';
import { freePort, LOOPBACK, waitForHttp } from './net-utils';

export interface EmulatorStats {
  received: number;
  byStatus: Record<string, number>;
}

export interface ReceivedPush {
  /** Epoch milliseconds at which the emulator received the request. */
  at: number;
  token: string;
  status: number;
  message: { data?: Record<string, string> };
}

export class EmulatorProcess {
  private constructor(
    readonly child: ChildHandle,
    readonly host: string,
    readonly port: number,
  ) {}

  /** `maxRecorded`: how many requests it keeps for the exactly-once checks. */
  static async start(maxRecorded: number): Promise<EmulatorProcess> {
    const port = await freePort();
    const child = startChild({
      name: 'fcm-emulator',
      script: APP_ENTRIES.emulator,
      env: { FCM_EMULATOR_PORT: String(port), FCM_EMULATOR_BIND: LOOPBACK, FCM_EMULATOR_MAX_RECORDED: String(maxRecorded) },
    });
    const emulator = new EmulatorProcess(child, LOOPBACK, port);
    await waitForHttp(`${emulator.url}/health`, 20_000, () => child.running, () => child.stderr);
    return emulator;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  get hostPort(): string {
    return `${this.host}:${this.port}`;
  }

  /** Forgets requests, statistics and behaviours. */
  async reset(): Promise<void> {
    const response = await fetch(`${this.url}/__emulator/reset`, { method: 'POST' });
    if (!response.ok) throw new Error(`fcm-emulator reset: HTTP ${response.status}`);
  }

  async stats(): Promise<EmulatorStats> {
    const response = await fetch(`${this.url}/__emulator/stats`);
    if (!response.ok) throw new Error(`fcm-emulator stats: HTTP ${response.status}`);
    return (await response.json()) as EmulatorStats;
  }

  async requests(): Promise<ReceivedPush[]> {
    const response = await fetch(`${this.url}/__emulator/requests`);
    if (!response.ok) throw new Error(`fcm-emulator requests: HTTP ${response.status}`);
    return ((await response.json()) as { requests: ReceivedPush[] }).requests;
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}

/** Deliveries per (eventId, token): how many pairs were received more than once, and the pairs seen. */
export function countDeliveries(pushes: ReceivedPush[]): { pairs: Map<string, number>; duplicates: number } {
  const pairs = new Map<string, number>();
  let duplicates = 0;
  for (const push of pushes) {
    if (push.status !== 200) continue;
    const key = `${push.message.data?.eventId ?? '?'}|${push.token}`;
    const seen = (pairs.get(key) ?? 0) + 1;
    pairs.set(key, seen);
    if (seen === 2) duplicates += 1;
  }
  return { pairs, duplicates };
}
