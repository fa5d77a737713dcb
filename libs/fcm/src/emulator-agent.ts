/**
 * Points firebase-admin's `send()` at the FCM emulator through the supported `httpAgent` option:
 * the SDK still builds `https://fcm.googleapis.com/...` requests; this agent dials plain TCP instead.
 */
import { Agent, type RequestOptions } from 'node:https';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

export class EmulatorAgent extends Agent {
  constructor(
    private readonly host: string,
    private readonly port: number,
    maxSockets: number,
  ) {
    super({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  }

  override createConnection(_options: RequestOptions, _callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    const socket = connect(this.port, this.host);
    socket.setNoDelay(true);
    return socket;
  }
}

/** Splits `host:port` (validated by the config lib). */
export function parseHostPort(value: string): { host: string; port: number } {
  const index = value.lastIndexOf(':');
  return { host: value.slice(0, index), port: Number(value.slice(index + 1)) };
}
