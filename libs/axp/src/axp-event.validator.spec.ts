import { normaliseEventDate, validateAxpEvent } from './axp-event.validator';

const valid = {
  eventId: '778af6a9-41f8-4153-a3a1-d913b2911b3b',
  conversationId: '1570b603-502e-3dcc-888f-09dda5bd0ea6',
  customerId: 'customer-id-12345',
  sessionId: 'bf813a5d-2e06-4047-bae2-e01da2f69f7c',
  eventDate: '2024-03-18T11:00:24.481Z',
};

describe('validateAxpEvent', () => {
  it('accepts the seed document example unchanged', () => {
    expect(validateAxpEvent({ ...valid })).toEqual({ ok: true, event: valid });
  });

  it('carries extra fields of every JSON type as strings', () => {
    const result = validateAxpEvent({ ...valid, channel: 'chat', retries: 3, vip: true, o: { a: [1] }, a: [], b: null });
    expect(result).toEqual({
      ok: true,
      event: { ...valid, channel: 'chat', retries: '3', vip: 'true', o: '{"a":[1]}', a: '[]', b: 'null' },
    });
  });

  it('requires only eventId and sessionId', () => {
    expect(validateAxpEvent({ eventId: 'e', sessionId: 's' })).toEqual({ ok: true, event: { eventId: 'e', sessionId: 's' } });
  });

  it('carries documented fields of another type as strings', () => {
    const result = validateAxpEvent({ ...valid, conversationId: 42, customerId: null });
    expect(result).toEqual({ ok: true, event: { ...valid, conversationId: '42', customerId: 'null' } });
  });

  it.each(['eventId', 'sessionId'])('refuses a lone surrogate in %s, naming the field', (field) => {
    expect(validateAxpEvent({ ...valid, [field]: '\ud800x' })).toMatchObject({ ok: false, field, message: expect.stringContaining('lone surrogate') });
  });

  it('accepts NUL, separators and 10 KB in the signed fields', () => {
    const event = { ...valid, eventId: 'e'.repeat(10 * 1024), sessionId: 's\u0000:/%' };
    expect(validateAxpEvent(event)).toEqual({ ok: true, event });
  });

  it('never copies prototype-polluting keys', () => {
    const body = JSON.parse(`{"eventId":"e","conversationId":"c","customerId":"u","sessionId":"s","eventDate":"2024-03-18T11:00:24Z","constructor":"x"}`);
    const result = validateAxpEvent(body);
    expect(result.ok && Object.keys(result.event)).toEqual(['eventId', 'conversationId', 'customerId', 'sessionId', 'eventDate']);
  });

  it.each([null, 'text', 42, [valid]])('rejects a body that is not an object: %p', (body) => {
    expect(validateAxpEvent(body)).toMatchObject({ ok: false, field: 'body' });
  });

  it.each(['eventId', 'sessionId'])('names %s when missing, mistyped or empty', (field) => {
    for (const value of [undefined, 7, true, {}, '']) {
      const result = validateAxpEvent({ ...valid, [field]: value });
      expect(result).toMatchObject({ ok: false, field });
    }
  });

  it.each(['2024-03-18', 'yesterday', '2024-13-45T99:00:00Z', '18/03/2024 11:00'])('carries an unreadable eventDate %p as sent', (eventDate) => {
    expect(validateAxpEvent({ ...valid, eventDate })).toEqual({ ok: true, event: { ...valid, eventDate } });
  });

  it("normalises the sample README's unpadded eventDate", () => {
    const result = validateAxpEvent({ ...valid, eventDate: '2024-3-13T20:25:39.734Z' });
    expect(result).toEqual({ ok: true, event: { ...valid, eventDate: '2024-03-13T20:25:39.734Z' } });
    expect(normaliseEventDate('2024-3-1T2:5Z')).toBe('2024-03-01T02:05:00Z');
    expect(normaliseEventDate('2024-13-1T20:25:39Z')).toBe('2024-13-1T20:25:39Z');
  });

  it.each(['2024-03-18T11:00:24Z', '2024-03-18T11:00:24.481+01:00', '2024-03-18T11:00Z'])('accepts eventDate %p', (eventDate) => {
    expect(validateAxpEvent({ ...valid, eventDate }).ok).toBe(true);
  });

  it('never throws, whatever the body holds', () => {
    const odd = Object.assign(Object.create(null) as object, { eventId: 'e', sessionId: 's', big: 10n, f: () => 1, u: undefined });
    expect(validateAxpEvent(odd)).toEqual({ ok: true, event: { eventId: 'e', sessionId: 's', big: '10', f: expect.any(String), u: 'undefined' } });
  });
});
