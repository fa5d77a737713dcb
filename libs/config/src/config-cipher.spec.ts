import { randomBytes } from 'node:crypto';
import { ConfigCipher, EncryptionKeyError, fingerprint } from './config-cipher';
import { loadConfig } from './load-config';

describe('ConfigCipher', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it('seals with a fresh IV each time and opens what it sealed', () => {
    const cipher = new ConfigCipher(newKey);
    const a = cipher.seal('the secret');
    const b = cipher.seal('the secret');
    expect(a).not.toBe(b);
    expect(a).not.toContain('the secret');
    expect(cipher.open(a)).toBe('the secret');
  });

  it('opens values of the previous key during a rotation and reports them stale', () => {
    const sealedOld = new ConfigCipher(oldKey).seal('s');
    const rotating = new ConfigCipher(newKey, oldKey);
    expect(rotating.open(sealedOld)).toBe('s');
    expect(rotating.isStale(sealedOld)).toBe(true);
    expect(rotating.isStale(rotating.seal('s'))).toBe(false);
    expect(() => new ConfigCipher(newKey).open(sealedOld)).toThrow(/CONFIG_ENCRYPTION_KEY_PREVIOUS/);
  });

  it('refuses a tampered value', () => {
    const cipher = new ConfigCipher(newKey);
    const parts = cipher.seal('secret').split(':');
    parts[4] = Buffer.from('public').toString('base64');
    expect(() => cipher.open(parts.join(':'))).toThrow();
  });

  it('names CONFIG_ENCRYPTION_KEY when it is missing', () => {
    expect(() => new ConfigCipher(undefined).seal('s')).toThrow(EncryptionKeyError);
    expect(() => new ConfigCipher(undefined).seal('s')).toThrow(/CONFIG_ENCRYPTION_KEY is not set/);
  });

  it('fingerprints with the first 8 hex characters of SHA-256', () => {
    expect(fingerprint('abc')).toBe('ba7816bf');
  });
});

describe('CONFIG_ENCRYPTION_KEY', () => {
  it('stops the start with a message naming the variable when it is not 32 bytes of base64', () => {
    expect(() => loadConfig('ingest', { AXP_SECRET: 's', REGISTRATION_API_KEYS: 'k', CONFIG_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(
      /CONFIG_ENCRYPTION_KEY: must be 32 random bytes in base64/,
    );
    const key = randomBytes(32).toString('base64');
    expect(loadConfig('ingest', { AXP_SECRET: 's', REGISTRATION_API_KEYS: 'k', CONFIG_ENCRYPTION_KEY: key }).configStore.encryptionKey?.length).toBe(32);
  });
});
