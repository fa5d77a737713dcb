import 'reflect-metadata';
import { configFromEnvironment } from '@app/config';
import { createIngestApp } from './ingest.app';

async function main(): Promise<void> {
  const config = configFromEnvironment('ingest');
  const app = await createIngestApp(config);
  await app.listen(config.http.port, config.http.host);
}

void main();
