import type { AxpEvent } from '@app/axp';
import { apnsCollapseId, buildFcmMessage, checkFcmMessage, type FcmMessageInput } from './fcm-message.builder';

const event: AxpEvent = {
  eventId: '778af6a9-41f8-4153-a3a1-d913b2911b3b',
  conversationId: '1570b603-502e-3dcc-888f-09dda5bd0ea6',
  customerId: 'customer-id-12345',
  sessionId: 'bf813a5d-2e06-4047-bae2-e01da2f69f7c',
  eventDate: '2024-03-18T11:00:24.481Z',
};
const base: FcmMessageInput = {
  token: 'device-token',
  platform: 'android',
  event,
  ttlSeconds: 300,
  ios: { title: 'New message', body: 'Open the app to read it.' },
  now: Date.UTC(2024, 2, 18, 11, 0, 30),
};

describe('buildFcmMessage', () => {
  it('carries the AXP event unchanged as data, with nothing else', () => {
    const message = buildFcmMessage({ ...base, event: { ...event, channel: 'chat' } });
    expect(message.data).toEqual({ ...event, channel: 'chat' });
    expect(message.token).toBe('device-token');
    expect(message).not.toHaveProperty('notification');
  });

  it('writes every data value as a string, even from a job written by hand', () => {
    const handWritten = { ...event, retries: 3, vip: true, extra: { a: 1 }, none: null } as unknown as AxpEvent;
    expect(buildFcmMessage({ ...base, event: handWritten }).data).toEqual({
      ...event,
      retries: '3',
      vip: 'true',
      extra: '{"a":1}',
      none: 'null',
    });
  });

  it('collapses nothing when the event has no conversationId', () => {
    const { conversationId: _c, ...lone } = event;
    expect(buildFcmMessage({ ...base, event: lone }).android).toEqual({ priority: 'high', ttl: 300_000 });
    expect(buildFcmMessage({ ...base, platform: 'ios', event: lone }).apns?.headers).not.toHaveProperty('apns-collapse-id');
  });

  it('marks only test pushes', () => {
    expect(buildFcmMessage({ ...base, test: true }).data).toEqual({ ...event, test: 'true' });
    expect(buildFcmMessage({ ...base, test: false }).data).not.toHaveProperty('test');
  });

  it('sends Android at high priority with the TTL and a per-conversation collapse key', () => {
    const message = buildFcmMessage(base);
    expect(message.android).toEqual({ priority: 'high', ttl: 300_000, collapseKey: event.conversationId });
    expect(message.apns).toBeUndefined();
  });

  it('sends iOS an alert with mutable-content, priority 10 and a collapse id', () => {
    const message = buildFcmMessage({ ...base, platform: 'ios' });
    expect(message.apns).toEqual({
      headers: {
        'apns-priority': '10',
        'apns-push-type': 'alert',
        'apns-collapse-id': event.conversationId,
        'apns-expiration': String(Math.floor(base.now! / 1000) + 300),
      },
      payload: { aps: { alert: { title: 'New message', body: 'Open the app to read it.' }, mutableContent: true } },
    });
    expect(message.android).toBeUndefined();
  });

  it('sends web pushes as data with high urgency', () => {
    expect(buildFcmMessage({ ...base, platform: 'web' }).webpush).toEqual({ headers: { Urgency: 'high', TTL: '300' } });
  });

  it('hashes a collapse id longer than APNs allows, deterministically', () => {
    const long = 'c'.repeat(65);
    expect(apnsCollapseId('c'.repeat(64))).toBe('c'.repeat(64));
    expect(apnsCollapseId(long)).toMatch(/^[0-9a-f]{64}$/);
    expect(apnsCollapseId(long)).toBe(apnsCollapseId(long));
    expect(apnsCollapseId('é'.repeat(40))).toHaveLength(64);
  });
});

describe('checkFcmMessage', () => {
  it('accepts an ordinary event', () => {
    expect(checkFcmMessage(buildFcmMessage({ ...base, platform: 'ios' }))).toBeUndefined();
  });

  it('refuses a message over 4096 bytes, saying how large it is', () => {
    const message = buildFcmMessage({ ...base, event: { ...event, extra: 'x'.repeat(4000) } });
    expect(checkFcmMessage(message)).toEqual({
      reason: 'payload-too-large',
      message: expect.stringMatching(/^the FCM message would be \d+ bytes, over FCM's 4096-byte limit$/),
    });
  });

  it('counts bytes, not characters', () => {
    const message = buildFcmMessage({ ...base, event: { ...event, extra: 'é'.repeat(1900) } });
    expect(checkFcmMessage(message)?.reason).toBe('payload-too-large');
  });

  it('refuses data keys FCM reserves', () => {
    for (const key of ['from', 'message_type', 'google.sent_time', 'gcm_x']) {
      expect(checkFcmMessage(buildFcmMessage({ ...base, event: { ...event, [key]: 'v' } }))).toEqual({
        reason: 'rejected',
        message: `the event field '${key}' is a data key reserved by FCM`,
      });
    }
  });
});
