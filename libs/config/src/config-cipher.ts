import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Why a stored configuration cannot be read or written: names the variable to set. */
export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

const VERSION = 'v1';

/** First 8 hex characters of the SHA-256 of a value: how answers, logs and the admin page name a secret or key. */
export function fingerprint(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 8);
}

const keyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

/**
 * AES-256-GCM of the secrets and private keys of stored configurations under CONFIG_ENCRYPTION_KEY.
 * A sealed value is `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64 parts): the key id tells which key
 * sealed it, so CONFIG_ENCRYPTION_KEY_PREVIOUS still opens old values while they are re-encrypted.
 */
export class ConfigCipher {
  constructor(
    private readonly key: Buffer | undefined,
    private readonly previousKey?: Buffer,
  ) {}

  get hasKey(): boolean {
    return this.key !== undefined;
  }

  seal(plaintext: string): string {
    const key = this.requireKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, keyId(key), iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  open(sealed: string): string {
    const key = this.requireKey();
    const [version, id, iv, tag, ciphertext] = sealed.split(':');
    if (version !== VERSION || ciphertext === undefined) throw new EncryptionKeyError('a stored value is not in the v1 sealed format');
    const candidates = [key, this.previousKey].filter((k): k is Buffer => k !== undefined);
    const match = candidates.find((k) => keyId(k) === id);
    if (!match) {
      throw new EncryptionKeyError(
        `a stored configuration was encrypted under key ${id}, which is neither CONFIG_ENCRYPTION_KEY nor CONFIG_ENCRYPTION_KEY_PREVIOUS`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', match, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }

  /** True when the value was sealed under an older key and should be re-encrypted. */
  isStale(sealed: string): boolean {
    return this.key !== undefined && sealed.split(':')[1] !== keyId(this.key);
  }

  private requireKey(): Buffer {
    if (!this.key) {
      throw new EncryptionKeyError(
        'CONFIG_ENCRYPTION_KEY is not set, and stored AXP configurations need it: set it to 32 random bytes in base64 (openssl rand -base64 32), the same value on every ingest, dispatcher and admin replica',
      );
    }
    return this.key;
  }
}
