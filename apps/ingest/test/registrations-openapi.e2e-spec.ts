import { type RegistrationsTestApp, startRegistrationsApp } from './registrations-test-app';

interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content: Record<string, { schema: { required: string[]; properties: Record<string, unknown> } }> };
  responses: Record<string, unknown>;
  security?: unknown[];
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes?: Record<string, { type: string; scheme?: string }>;
    schemas?: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
  };
}

describe('OpenAPI description of the ingest (OPENAPI_ENABLED=true)', () => {
  let t: RegistrationsTestApp;
  let doc: OpenApiDocument;

  beforeAll(async () => {
    t = await startRegistrationsApp({ OPENAPI_ENABLED: 'true' });
    const res = await t.app.inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  });

  afterAll(async () => {
    await t.close();
  });

  it('serves the UI at /docs without an API key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toMatch(/swagger/i);
    const asset = await t.app.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
    expect(asset.statusCode).toBe(200);
  });

  it('documents the public routes and nothing else', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/custom-notification-connector/axp-callback/notifications',
      '/custom-notification-connector/device-registrations',
      '/custom-notification-connector/device-registrations/{deviceToken}',
      '/custom-notification-connector/device-registrations:search',
      '/v1/axp/{configId}/notifications',
      '/v1/registrations/{deviceToken}',
      '/v1/sessions/{sessionId}/registrations',
    ]);
  });

  it('describes the callback: body schema, the X-hmac header and its answers, without bearer auth', () => {
    const op = doc.paths['/v1/axp/{configId}/notifications'].post;
    expect(op.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'configId', in: 'path' }),
        expect.objectContaining({ name: 'X-hmac', in: 'header', required: true }),
      ]),
    );
    expect(op.parameters?.filter((p) => p.in === 'header' && p.name.toLowerCase() === 'x-hmac')).toHaveLength(1);
    // Only the signed pair is required; the documented fields are carried when present.
    expect(op.requestBody?.content['application/json'].schema.required).toEqual(['eventId', 'sessionId']);
    expect(Object.keys(op.requestBody?.content['application/json'].schema.properties ?? {})).toEqual(
      expect.arrayContaining(['eventId', 'conversationId', 'customerId', 'sessionId', 'eventDate']),
    );
    expect(Object.keys(op.responses).sort()).toEqual(['202', '400', '401', '404', '413', '415', '500']);
    expect(op.security).toBeUndefined();
  });

  it('describes the registration routes with bearer auth, their bodies and their answers', () => {
    expect(doc.components.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const put = doc.paths['/v1/registrations/{deviceToken}'].put;
    expect(put.security).toEqual([{ bearer: [] }]);
    expect(put.parameters).toEqual([
      expect.objectContaining({
        name: 'deviceToken',
        in: 'path',
        schema: expect.objectContaining({ maxLength: 4096 }),
      }),
    ]);
    expect(Object.keys(put.responses)).toEqual(
      expect.arrayContaining(['200', '201', '400', '401', '404', '429', '503']),
    );
    const dto = doc.components.schemas?.RegisterDeviceDto;
    expect(dto?.required).toEqual(['sessionId']);
    expect(Object.keys(dto?.properties ?? {}).sort()).toEqual(['configId', 'customerId', 'platform', 'sessionId']);
    expect(Object.keys(doc.components.schemas?.RegistrationView?.properties ?? {}).sort()).toEqual([
      'configId',
      'createdAt',
      'customerId',
      'deviceToken',
      'expiresAt',
      'lastSeenAt',
      'platform',
      'sessionId',
      'updatedAt',
    ]);
    const search = doc.paths['/custom-notification-connector/device-registrations:search'].post;
    expect(search.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/v1/registrations/{deviceToken}'].delete.responses['204']).toBeDefined();
  });
});

describe('OpenAPI when OPENAPI_ENABLED=false', () => {
  let t: RegistrationsTestApp;

  beforeAll(async () => {
    t = await startRegistrationsApp({ OPENAPI_ENABLED: 'false' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('serves neither the UI nor the document', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/docs-json' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/docs-yaml' })).statusCode).toBe(404);
  });
});

describe('OpenAPI default in production', () => {
  it('is off when NODE_ENV=production and OPENAPI_ENABLED is unset', async () => {
    const t = await startRegistrationsApp({ NODE_ENV: 'production' });
    try {
      expect(t.config.ingest.openApiEnabled).toBe(false);
      expect((await t.app.inject({ method: 'GET', url: '/docs-json' })).statusCode).toBe(404);
    } finally {
      await t.close();
    }
  });
});
