/**
 * What a valid registration field looks like, shared by the DTOs, the path pipes and the OpenAPI
 * description. FCM tokens are base64url text, optionally "<instance id>:APA91b…".
 */
export const DEVICE_TOKEN_MAX_LENGTH = 4096;
export const DEVICE_TOKEN_PATTERN = /^[A-Za-z0-9_:.-]+$/;
export const DEVICE_TOKEN_RULE = `1-${DEVICE_TOKEN_MAX_LENGTH} characters of letters, digits, '-', '_', ':' and '.'`;

export const ID_MAX_LENGTH = 256;
/**
 * 1-256 code points (what Postgres' varchar(256) counts), none of them control, format, private-use,
 * unassigned or a lone surrogate (Postgres refuses NUL, for one).
 */
export const ID_PATTERN = /^\P{C}{1,256}$/u;
export const ID_RULE = `1-${ID_MAX_LENGTH} printable characters`;

export const CONFIG_ID_MAX_LENGTH = 128;

/** Why `value` is not a device token, or undefined when it is one. */
export function deviceTokenProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'deviceToken is required';
  if (value.length > DEVICE_TOKEN_MAX_LENGTH) {
    return `deviceToken must be at most ${DEVICE_TOKEN_MAX_LENGTH} characters (got ${value.length})`;
  }
  if (!DEVICE_TOKEN_PATTERN.test(value)) return `deviceToken must be ${DEVICE_TOKEN_RULE}`;
  return undefined;
}

/** Why `value` is not a session or customer id, or undefined when it is one. */
export function idProblem(field: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `${field} must be a string`;
  return ID_PATTERN.test(value) ? undefined : `${field} must be ${ID_RULE}`;
}
