/**
 * Floor D: firebase-admin `send()` in a bare loop to the FCM emulator, through libs/fcm's emulator
 * transport and message builder, at the dispatcher's number of sends in flight. The FCM client's cost alone.
 */
import { initializeApp } from 'firebase-admin/app';
import { getMessaging, type TokenMessage } from 'firebase-admin/messaging';
import { buildFcmMessage, EmulatorAgent } from '@app/fcm';
import { eventFor } from '../lib/callback-corpus';
import { benchSessionId, benchToken } from '../lib/session-names';

export interface SendLoopParams {
  emulatorHost: string;
  emulatorPort: number;
  maxSockets: number;
  /** Sends in flight at once. */
  concurrency: number;
  jobs: number;
  tokensPerSession: number;
  sessionLabel: string;
  runTag: string;
}

export interface SendLoopResult {
  sent: number;
  failed: number;
  firstError?: string;
  elapsedSec: number;
  pushesPerSec: number;
}

function messagesFor(params: SendLoopParams): TokenMessage[] {
  const messages: TokenMessage[] = [];
  for (let i = 0; i < params.jobs; i++) {
    const sessionId = benchSessionId(params.sessionLabel, i);
    const event = eventFor({ runTag: params.runTag, secret: '', sessions: [sessionId] }, i);
    for (let k = 0; k < params.tokensPerSession; k++) {
      const token = benchToken(params.sessionLabel, i, k);
      messages.push(buildFcmMessage({ token, platform: 'android', event, ttlSeconds: 300, ios: { title: 't', body: 'b' } }));
    }
  }
  return messages;
}

async function run(params: SendLoopParams): Promise<SendLoopResult> {
  const app = initializeApp({
    credential: { getAccessToken: async () => ({ access_token: 'emulator', expires_in: 3600 }) },
    projectId: 'demo-axp-push',
    httpAgent: new EmulatorAgent(params.emulatorHost, params.emulatorPort, params.maxSockets),
  });
  const messaging = getMessaging(app);
  const messages = messagesFor(params);
  process.send?.({ type: 'measuring' });
  let next = 0;
  let sent = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const lane = async () => {
    while (next < messages.length) {
      const message = messages[next++];
      try {
        await messaging.send(message);
        sent += 1;
      } catch (error) {
        failed += 1;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: params.concurrency }, lane));
  const elapsedSec = (performance.now() - started) / 1000;
  return { sent, failed, firstError, elapsedSec, pushesPerSec: sent / elapsedSec };
}

process.on('message', (message: { type: string; params?: SendLoopParams }) => {
  if (message.type !== 'run' || !message.params) return;
  run(message.params).then(
    // Stays up until the parent stops it, so its profile can still be taken.
    (result) => process.send?.({ type: 'result', result }),
    (error: Error) => process.send?.({ type: 'error', message: error.stack ?? error.message }, () => process.exit(1)),
  );
});
