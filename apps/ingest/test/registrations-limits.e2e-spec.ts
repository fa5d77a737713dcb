import { Logger } from '@nestjs/common';
import { axpEvent, signatureFor } from '../../../test/support/axp';
import { fcmToken, type RegistrationsTestApp, startRegistrationsApp } from './registrations-test-app';

describe('registration rate limit (REGISTRATION_RATE_LIMIT=5)', () => {
  let t: RegistrationsTestApp;

  beforeAll(async () => {
    t = await startRegistrationsApp({ REGISTRATION_RATE_LIMIT: '5' });
  });

  afterAll(async () => {
    await t.close();
  });

  const from = (remoteAddress: string, url = `/v1/registrations/${fcmToken()}`) =>
    t.app.inject({ method: 'GET', url, remoteAddress, headers: { authorization: 'Bearer test-registration-key' } });

  it('answers 429 with Retry-After past the limit, one budget per client across all routes', async () => {
    const answers = [];
    for (const url of [
      `/v1/registrations/${fcmToken()}`,
      '/v1/sessions/s/registrations',
      '/custom-notification-connector/device-registrations',
      `/custom-notification-connector/device-registrations/${fcmToken()}`,
      `/v1/registrations/${fcmToken()}`,
    ]) {
      answers.push((await from('10.0.0.1', url)).statusCode);
    }
    expect(answers).toEqual([404, 200, 200, 404, 404]);
    const limited = await from('10.0.0.1');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().message).toMatch(/at most 5 per minute/);
    // another client still has its budget
    expect((await from('10.0.0.2')).statusCode).toBe(404);
  });

  it('counts unauthenticated attempts too, so keys cannot be guessed at speed', async () => {
    const guess = () =>
      t.app.inject({
        method: 'GET',
        url: '/v1/sessions/s/registrations',
        remoteAddress: '10.0.0.3',
        headers: { authorization: 'Bearer guess' },
      });
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await guess()).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it('never limits the AXP callback or the health routes', async () => {
    for (let i = 0; i < 12; i++) {
      const event = axpEvent();
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/axp/default/notifications',
        remoteAddress: '10.0.0.1',
        headers: { 'content-type': 'application/json', 'x-hmac': signatureFor(event) },
        payload: JSON.stringify(event),
      });
      expect(res.statusCode).toBe(202);
      const live = await t.app.inject({ method: 'GET', url: '/health/live', remoteAddress: '10.0.0.1' });
      expect(live.statusCode).toBe(200);
    }
  });
});

describe('the client address behind proxies', () => {
  const burst = async (t: RegistrationsTestApp, forwardedFor: string[]) => {
    const codes = [];
    for (const address of forwardedFor) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/v1/sessions/s/registrations',
        remoteAddress: '10.9.9.9',
        headers: { authorization: 'Bearer test-registration-key', 'x-forwarded-for': address },
      });
      codes.push(res.statusCode);
    }
    return codes;
  };

  it('ignores X-Forwarded-For by default, so it cannot be forged to escape the limit', async () => {
    const t = await startRegistrationsApp({ REGISTRATION_RATE_LIMIT: '2' });
    try {
      expect(await burst(t, ['1.1.1.1', '2.2.2.2', '3.3.3.3'])).toEqual([200, 200, 429]);
    } finally {
      await t.close();
    }
  });

  it('counts per forwarded client with TRUST_PROXY set', async () => {
    const t = await startRegistrationsApp({ REGISTRATION_RATE_LIMIT: '2', TRUST_PROXY: '10.0.0.0/8' });
    try {
      expect(await burst(t, ['1.1.1.1', '1.1.1.1', '2.2.2.2', '1.1.1.1'])).toEqual([200, 200, 200, 429]);
    } finally {
      await t.close();
    }
  });
});

describe('REGISTRATION_AUTH=none', () => {
  let t: RegistrationsTestApp;
  let warn: jest.SpyInstance;

  beforeAll(async () => {
    warn = jest.spyOn(Logger.prototype, 'warn');
    t = await startRegistrationsApp({ REGISTRATION_AUTH: 'none', REGISTRATION_API_KEYS: '' });
  });

  afterAll(async () => {
    warn.mockRestore();
    await t.close();
  });

  it('serves unmodified sample-era apps without a key, and warns at start', async () => {
    const token = fcmToken();
    const noKey = { authorization: undefined };
    const res = await t.call(
      'PUT',
      `/custom-notification-connector/device-registrations/${token}`,
      { configId: 'default', sessionId: 's' },
      noKey,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ configId: 'default', sessionId: 's', deviceToken: token });
    expect((await t.call('GET', `/v1/registrations/${token}`, undefined, noKey)).statusCode).toBe(200);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/REGISTRATION_AUTH=none/));
  });
});
