import 'reflect-metadata';
import { configFromEnvironment } from '@app/config';
import { createDispatcherApp } from './dispatcher.app';

async function main(): Promise<void> {
  const config = configFromEnvironment('dispatcher');
  const app = await createDispatcherApp(config);
  await app.listen(config.http.port, config.http.host);
}

void main();
