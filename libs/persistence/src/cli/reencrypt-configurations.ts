import { ConfigCipher, configFromEnvironment } from '@app/config';
import { createDataSource } from '../data-source';
import { reencryptConfigurations } from '../configuration-reencrypt';

/**
 * `npm run config:reencrypt` re-seals every stored configuration's secrets and private key under
 * CONFIG_ENCRYPTION_KEY, opening the old values with CONFIG_ENCRYPTION_KEY_PREVIOUS. The last
 * step of a key rotation (docs/operations.md); running it again changes nothing.
 */
async function main(): Promise<void> {
  const config = configFromEnvironment('tool');
  const cipher = new ConfigCipher(config.configStore.encryptionKey, config.configStore.previousEncryptionKey);
  if (!cipher.hasKey) throw new Error('CONFIG_ENCRYPTION_KEY is not set: set the new key (and CONFIG_ENCRYPTION_KEY_PREVIOUS to the old one)');
  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  try {
    const { configurations, values } = await reencryptConfigurations(dataSource, cipher);
    process.stdout.write(`re-encrypted ${values} value(s) of ${configurations} configuration(s) under the current key\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`config:reencrypt: ${error.message}\n`);
  process.exit(1);
});
