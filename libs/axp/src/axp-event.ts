/**
 * The AXP callback event as the connector carries it: the two signed fields it needs, the fields AXP
 * documents when they are present, and every other field AXP adds. Every value is a string, because
 * the whole event becomes the FCM message's `data`, which holds strings only.
 */
export interface AxpEvent {
  eventId: string;
  sessionId: string;
  conversationId?: string;
  customerId?: string;
  /** ISO-8601 as AXP sends it; the sample README's unpadded form is normalised on intake. */
  eventDate?: string;
  [field: string]: string | undefined;
}

/**
 * One event field as an FCM data string: strings as they are, numbers, booleans and null as their
 * JSON text (`3`, `true`, `null`), objects and arrays as JSON. Total: values JSON cannot write
 * (undefined, functions, bigint) become their `String()` form.
 */
export function eventFieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  try {
    const json = JSON.stringify(value);
    if (typeof json === 'string') return json;
  } catch {
    // a cycle or a throwing toJSON: only hand-made values get here, never parsed JSON
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
