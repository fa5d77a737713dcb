/**
 * The FCM message for one registration: the AXP event as `data`, unchanged, plus what each platform
 * needs to show it at once and collapse a burst about one conversation into one notification.
 */
import { createHash } from 'node:crypto';
import type { TokenMessage } from 'firebase-admin/messaging';
import type { IosAlertConfig, Platform } from '@app/config';
import { type AxpEvent, eventFieldText } from '@app/axp';

/** FCM's payload limit; a message larger than this is never sent. */
export const FCM_MAX_MESSAGE_BYTES = 4096;
/** APNs refuses an `apns-collapse-id` longer than this. */
export const APNS_COLLAPSE_ID_MAX_BYTES = 64;

export interface FcmMessageInput {
  token: string;
  platform: Platform;
  event: AxpEvent;
  /** An operator's test push: marked so the app can tell it apart. */
  test?: boolean;
  ttlSeconds: number;
  ios: IosAlertConfig;
  now?: number;
}

export interface MessageProblem {
  reason: 'payload-too-large' | 'rejected';
  message: string;
}

/** Keys FCM refuses in `data` (it answers INVALID_ARGUMENT). */
const RESERVED_DATA_KEY = /^(from|message_type|google.*|gcm.*)$/i;

/**
 * The event as FCM `data`: every field a string. The ingest already writes them so; converting again
 * keeps jobs written by older versions or by hand sendable (firebase-admin throws on non-strings).
 */
export function eventData(event: AxpEvent): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of Object.keys(event)) {
    const value = event[key];
    if (value !== undefined) data[key] = eventFieldText(value);
  }
  return data;
}

export function apnsCollapseId(conversationId: string): string {
  return Buffer.byteLength(conversationId) <= APNS_COLLAPSE_ID_MAX_BYTES
    ? conversationId
    : createHash('sha256').update(conversationId).digest('hex');
}

export function buildFcmMessage(input: FcmMessageInput): TokenMessage {
  const data = eventData(input.event);
  if (input.test) data.test = 'true';
  const message: TokenMessage = { token: input.token, data };
  // AXP may leave conversationId out: then nothing collapses, each push stands alone.
  const conversationId = typeof input.event.conversationId === 'string' ? input.event.conversationId : undefined;
  switch (input.platform) {
    case 'android':
      message.android = {
        priority: 'high',
        ttl: input.ttlSeconds * 1000,
        ...(conversationId !== undefined ? { collapseKey: conversationId } : {}),
      };
      break;
    case 'ios':
      message.apns = {
        headers: {
          'apns-priority': '10',
          'apns-push-type': 'alert',
          ...(conversationId !== undefined ? { 'apns-collapse-id': apnsCollapseId(conversationId) } : {}),
          'apns-expiration': String(Math.floor((input.now ?? Date.now()) / 1000) + input.ttlSeconds),
        },
        // The notification service extension fetches the content through the Omni SDK.
        payload: { aps: { alert: { title: input.ios.title, body: input.ios.body }, mutableContent: true } },
      };
      break;
    case 'web':
      message.webpush = { headers: { Urgency: 'high', TTL: String(input.ttlSeconds) } };
      break;
  }
  return message;
}

/** Why FCM would refuse this message, checked before sending; undefined when it may be sent. */
export function checkFcmMessage(message: TokenMessage): MessageProblem | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(message));
  if (bytes > FCM_MAX_MESSAGE_BYTES) {
    return {
      reason: 'payload-too-large',
      message: `the FCM message would be ${bytes} bytes, over FCM's ${FCM_MAX_MESSAGE_BYTES}-byte limit`,
    };
  }
  const reserved = Object.keys(message.data ?? {}).find((key) => RESERVED_DATA_KEY.test(key));
  if (reserved !== undefined) {
    return { reason: 'rejected', message: `the event field '${reserved}' is a data key reserved by FCM` };
  }
  return undefined;
}
