import { Injectable } from '@nestjs/common';
import type { TokenMessage } from 'firebase-admin/messaging';
import { FcmAppRegistry } from './fcm-app.registry';
import { classifyFcmError, type FcmFailure } from './fcm-outcome';

export type SendResult = { outcome: 'delivered'; messageId: string } | FcmFailure;

/**
 * Sends one message to one token with `messaging.send()` (HTTP/1.1 through the registry's agent;
 * `sendEach()` would use HTTP/2 and bypass it) and turns the answer into an outcome.
 */
@Injectable()
export class FcmSender {
  constructor(private readonly registry: FcmAppRegistry) {}

  knows(configId: string): boolean {
    return this.registry.messaging(configId) !== undefined;
  }

  async send(configId: string, message: TokenMessage): Promise<SendResult> {
    const messaging = this.registry.messaging(configId);
    if (!messaging) {
      return { outcome: 'reject', code: 'configuration', message: `no FCM app for configuration '${configId}'` };
    }
    try {
      return { outcome: 'delivered', messageId: await messaging.send(message) };
    } catch (error) {
      return classifyFcmError(error);
    }
  }
}
