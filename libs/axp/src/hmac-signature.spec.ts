import { createHmac } from 'node:crypto';
import { signAxpEvent, verifyAxpSignature } from './hmac-signature';

describe('AXP HMAC signature', () => {
  const eventId = '778af6a9-41f8-4153-a3a1-d913b2911b3b';
  const sessionId = 'bf813a5d-2e06-4047-bae2-e01da2f69f7c';

  it('is hex HMAC-SHA256 of eventId + sessionId, as in the seed example', () => {
    const expected = createHmac('sha256', 'secret').update(eventId + sessionId).digest('hex');
    expect(signAxpEvent('secret', eventId, sessionId)).toBe(expected);
  });

  it('accepts the right signature, in either hex case', () => {
    const signature = signAxpEvent('secret', eventId, sessionId);
    expect(verifyAxpSignature(['secret'], eventId, sessionId, signature)).toBe(true);
    expect(verifyAxpSignature(['secret'], eventId, sessionId, signature.toUpperCase())).toBe(true);
  });

  it('accepts any secret of a rotation', () => {
    const signature = signAxpEvent('new', eventId, sessionId);
    expect(verifyAxpSignature(['old', 'new'], eventId, sessionId, signature)).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not hex', 'z'.repeat(64)],
    ['too short', 'ab'],
    ['another secret', signAxpEvent('other', eventId, sessionId)],
    ['another session', signAxpEvent('secret', eventId, 'other-session')],
    ['two values joined', `${signAxpEvent('secret', eventId, sessionId)}, x`],
  ])('rejects a %s signature', (_case, signature) => {
    expect(verifyAxpSignature(['secret'], eventId, sessionId, signature)).toBe(false);
  });

  it('rejects everything when no secret is configured', () => {
    expect(verifyAxpSignature([], eventId, sessionId, signAxpEvent('secret', eventId, sessionId))).toBe(false);
  });
});
