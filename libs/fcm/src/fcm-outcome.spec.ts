import { classifyFcmError } from './fcm-outcome';

const error = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('classifyFcmError', () => {
  it.each([
    'messaging/registration-token-not-registered',
    'messaging/invalid-registration-token',
    'messaging/mismatched-credential',
  ])('prunes the registration on %s', (code) => {
    expect(classifyFcmError(error(code))).toEqual({ outcome: 'prune', code, message: 'x' });
  });

  it('prunes on invalid-argument only when FCM says the token is not valid', () => {
    expect(
      classifyFcmError(error('messaging/invalid-argument', 'The registration token is not a valid FCM registration token')),
    ).toMatchObject({ outcome: 'prune' });
    expect(classifyFcmError(error('messaging/invalid-argument', 'Request contains an invalid argument.'))).toMatchObject({
      outcome: 'reject',
    });
  });

  it.each([
    'messaging/server-unavailable',
    'messaging/internal-error',
    'messaging/message-rate-exceeded',
    'messaging/unknown-error',
    'app/network-error',
    'app/network-timeout',
    'ECONNREFUSED',
  ])('retries %s', (code) => {
    expect(classifyFcmError(error(code)).outcome).toBe('retry');
  });

  it.each([
    'messaging/third-party-auth-error',
    'messaging/authentication-error',
    'messaging/invalid-payload',
    'messaging/payload-size-limit-exceeded',
  ])('rejects %s without retrying', (code) => {
    expect(classifyFcmError(error(code)).outcome).toBe('reject');
  });

  it('retries what it cannot recognise, keeping what it knows of it', () => {
    expect(classifyFcmError(new Error('boom'))).toEqual({ outcome: 'retry', code: 'unknown', message: 'boom' });
    expect(classifyFcmError('text')).toEqual({ outcome: 'retry', code: 'unknown', message: 'text' });
    expect(classifyFcmError(null)).toEqual({ outcome: 'retry', code: 'unknown', message: 'null' });
  });
});
