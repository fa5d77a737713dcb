import { createHmac, timingSafeEqual } from 'node:crypto';

/** Name of the header that carries AXP's signature (HTTP header names are case-insensitive). */
export const SIGNATURE_HEADER = 'x-hmac';

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** AXP's signature: hex HMAC-SHA256 of `eventId + sessionId`, keyed with the configuration's secret. */
export function signAxpEvent(secret: string, eventId: string, sessionId: string): string {
  return createHmac('sha256', secret).update(eventId + sessionId).digest('hex');
}

/**
 * True when `signature` matches any of `secrets` (several are valid while a secret is rotated).
 * Every secret is compared, in constant time, so timing tells nothing about which one matched.
 */
export function verifyAxpSignature(
  secrets: readonly string[],
  eventId: string,
  sessionId: string,
  signature: string | undefined,
): boolean {
  if (signature === undefined || !HEX_SHA256.test(signature)) return false;
  const received = Buffer.from(signature.toLowerCase(), 'hex');
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(eventId + sessionId).digest();
    if (timingSafeEqual(expected, received)) matched = true;
  }
  return matched;
}
