import 'reflect-metadata';
import { configFromEnvironment } from '@app/config';
import { createAdminApp } from './admin.app';

async function main(): Promise<void> {
  const config = configFromEnvironment('admin');
  const app = await createAdminApp(config);
  await app.listen(config.http.port, config.http.host);
}

void main();
