import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApi } from '../../scripts/openapi/openapi-document';

/** docs/openapi.json is generated from the code (`npm run openapi`); a stale file fails here and in CI. */
const file = join(__dirname, '..', '..', 'docs', 'openapi.json');

interface Document {
  paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
  components: { securitySchemes: Record<string, { scheme: string }> };
}

describe('docs/openapi.json', () => {
  let fresh: string;
  let checkedIn: string;

  beforeAll(async () => {
    fresh = await generateOpenApi();
    checkedIn = readFileSync(file, 'utf8');
  });

  it('is what `npm run openapi` generates from the code (run it and commit the file when this fails)', () => {
    expect(checkedIn).toBe(fresh);
  });

  it('is the same on every generation (stable key order)', async () => {
    expect(await generateOpenApi()).toBe(fresh);
  });

  it('covers the callback, registration and admin routes, each with its authentication', () => {
    const doc = JSON.parse(fresh) as Document;
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/axp/{configId}/notifications',
        '/custom-notification-connector/axp-callback/notifications',
        '/v1/registrations/{deviceToken}',
        '/v1/sessions/{sessionId}/registrations',
        '/custom-notification-connector/device-registrations/{deviceToken}',
        '/admin/api/dead-letter/replay',
        '/admin/api/test-push',
      ]),
    );
    expect(paths.filter((path) => path.startsWith('/health') || path === '/metrics')).toEqual([]);
    const security = (path: string, method: string) => doc.paths[path][method].security?.map((s) => Object.keys(s)[0]);
    expect(security('/admin/api/test-push', 'post')).toEqual(['admin-basic']);
    expect(security('/v1/registrations/{deviceToken}', 'put')).toEqual(['bearer']);
    expect(doc.components.securitySchemes['admin-basic'].scheme).toBe('basic');
  });

  it('keeps its keys sorted at every depth', () => {
    const unsorted: string[] = [];
    const walk = (value: unknown, at: string): void => {
      if (Array.isArray(value)) return value.forEach((item, i) => walk(item, `${at}[${i}]`));
      if (value === null || typeof value !== 'object') return;
      const keys = Object.keys(value);
      if (keys.join('\n') !== [...keys].sort().join('\n')) unsorted.push(at || '/');
      for (const key of keys) walk((value as Record<string, unknown>)[key], `${at}/${key}`);
    };
    walk(JSON.parse(fresh), '');
    expect(unsorted).toEqual([]);
  });
});
