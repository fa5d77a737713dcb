/**
 * The cheap part of FCM's request validation: a target, string data values, no reserved data keys,
 * and the 4096-byte payload limit. Anything it refuses FCM would refuse with INVALID_ARGUMENT.
 */

export const FCM_PAYLOAD_LIMIT_BYTES = 4096;

export interface FcmWireMessage {
  token?: string;
  topic?: string;
  condition?: string;
  data?: Record<string, unknown>;
  notification?: Record<string, unknown>;
  [field: string]: unknown;
}

export type MessageCheck = { ok: true; message: FcmWireMessage; target: string } | { ok: false; problem: string };

const RESERVED_DATA_KEYS = new Set(['from', 'message_type']);

function isReservedKey(key: string): boolean {
  const lower = key.toLowerCase();
  return RESERVED_DATA_KEYS.has(lower) || lower.startsWith('google') || lower.startsWith('gcm');
}

/** Bytes FCM counts against the payload limit: data keys and values plus the notification's fields. */
function payloadBytes(message: FcmWireMessage): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(message.data ?? {})) {
    bytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (message.notification) bytes += Buffer.byteLength(JSON.stringify(message.notification));
  return bytes;
}

export function checkSendRequest(body: unknown): MessageCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problem: 'Invalid JSON payload received. Expected an object.' };
  }
  const message = (body as { message?: unknown }).message;
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return { ok: false, problem: "Invalid JSON payload received. 'message' is required." };
  }
  const wire = message as FcmWireMessage;
  const targets = [wire.token, wire.topic, wire.condition].filter((t) => t !== undefined);
  if (targets.length !== 1 || typeof targets[0] !== 'string' || targets[0].length === 0) {
    return { ok: false, problem: 'Recipient of the message is not set.' };
  }
  if (wire.data !== undefined) {
    if (typeof wire.data !== 'object' || wire.data === null || Array.isArray(wire.data)) {
      return { ok: false, problem: "Invalid value at 'message.data' (Map), expected an object." };
    }
    let index = 0;
    for (const [key, value] of Object.entries(wire.data)) {
      if (typeof value !== 'string') {
        return { ok: false, problem: `Invalid value at 'message.data[${index}].value' (TYPE_STRING), ${JSON.stringify(value)}` };
      }
      if (isReservedKey(key)) return { ok: false, problem: `Invalid data payload key: ${key} is reserved.` };
      index += 1;
    }
  }
  const bytes = payloadBytes(wire);
  if (bytes > FCM_PAYLOAD_LIMIT_BYTES) {
    return { ok: false, problem: `Message is too big: ${bytes} bytes, the limit is ${FCM_PAYLOAD_LIMIT_BYTES}.` };
  }
  return { ok: true, message: wire, target: targets[0] };
}
