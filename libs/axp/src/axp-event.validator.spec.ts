import { validateAxpEvent } from './axp-event.validator';

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

  it('keeps extra string fields and drops the others', () => {
    const result = validateAxpEvent({ ...valid, channel: 'chat', n: 1, o: {}, a: [], b: null });
    expect(result).toEqual({ ok: true, event: { ...valid, channel: 'chat' } });
  });

  it('never copies prototype-polluting keys', () => {
    const body = JSON.parse(`{"eventId":"e","conversationId":"c","customerId":"u","sessionId":"s","eventDate":"2024-03-18T11:00:24Z","constructor":"x"}`);
    const result = validateAxpEvent(body);
    expect(result.ok && Object.keys(result.event)).toEqual(['eventId', 'conversationId', 'customerId', 'sessionId', 'eventDate']);
  });

  it.each([null, 'text', 42, [valid]])('rejects a body that is not an object: %p', (body) => {
    expect(validateAxpEvent(body)).toMatchObject({ ok: false, field: 'body' });
  });

  it.each(Object.keys(valid))('names %s when missing, mistyped or empty', (field) => {
    for (const value of [undefined, 7, true, {}, '']) {
      const result = validateAxpEvent({ ...valid, [field]: value });
      expect(result).toMatchObject({ ok: false, field });
    }
  });

  it.each(['2024-03-18', 'yesterday', '2024-13-45T99:00:00Z', '18/03/2024 11:00'])('rejects eventDate %p', (eventDate) => {
    expect(validateAxpEvent({ ...valid, eventDate })).toMatchObject({ ok: false, field: 'eventDate' });
  });

  it.each(['2024-03-18T11:00:24Z', '2024-03-18T11:00:24.481+01:00', '2024-03-18T11:00Z'])('accepts eventDate %p', (eventDate) => {
    expect(validateAxpEvent({ ...valid, eventDate }).ok).toBe(true);
  });

  it('limits field length', () => {
    expect(validateAxpEvent({ ...valid, eventId: 'x'.repeat(1025) })).toMatchObject({ ok: false, field: 'eventId' });
  });
});
