import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig } from './load-config';

const base = { AXP_SECRET: 's', REGISTRATION_API_KEYS: 'server-key' };
const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig('ingest', { ...base, ...env });
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('REGISTRATION_JWT_* and the other registration variables', () => {
  it('leaves the binding off unless a key source is set, with sub as the default claim', () => {
    const config = loadConfig('ingest', base);
    expect(config.registrations.customerToken).toBeUndefined();
    expect(config.registrations.maxDevicesPerSession).toBe(10);
    expect(config.registrations.appKeys).toEqual([]);
  });

  it('requires the issuer and the audience with a key source', () => {
    expect(problems({ REGISTRATION_JWT_JWKS_URL: 'https://id.example.test/jwks.json' })).toEqual([
      expect.stringMatching(/^REGISTRATION_JWT_ISSUER: required when REGISTRATION_JWT_JWKS_URL is set/),
      expect.stringMatching(/^REGISTRATION_JWT_AUDIENCE: required/),
    ]);
  });

  it('refuses two key sources, a short secret, a PEM that is not a public key, and a key that is both kinds', () => {
    const jwt = { REGISTRATION_JWT_ISSUER: 'i', REGISTRATION_JWT_AUDIENCE: 'a' };
    expect(problems({ ...jwt, REGISTRATION_JWT_JWKS_URL: 'https://x.test/j', REGISTRATION_JWT_SECRET: 'x'.repeat(32) })[0]).toMatch(
      /set only one source/,
    );
    expect(problems({ ...jwt, REGISTRATION_JWT_SECRET: 'short' })[0]).toMatch(/^REGISTRATION_JWT_SECRET: must be at least 32/);
    expect(problems({ ...jwt, REGISTRATION_JWT_PUBLIC_KEY: 'not a pem' })[0]).toMatch(/^REGISTRATION_JWT_PUBLIC_KEY: must be a PEM public key/);
    expect(problems({ REGISTRATION_APP_KEYS: 'server-key' })[0]).toMatch(/cannot be both an app key and a server key/);
  });

  it('reads a one-line PEM public key', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString().trim().replace(/\n/g, '\\n');
    const config = loadConfig('ingest', {
      ...base,
      REGISTRATION_JWT_PUBLIC_KEY: pem,
      REGISTRATION_JWT_ISSUER: 'i',
      REGISTRATION_JWT_AUDIENCE: 'a',
      REGISTRATION_JWT_CUSTOMER_CLAIM: 'customer_id',
    });
    expect(config.registrations.customerToken).toMatchObject({ key: { type: 'public-key' }, customerClaim: 'customer_id' });
  });
});
