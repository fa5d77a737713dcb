import type { ExecutionContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { AppConfigModule, loadConfig } from '@app/config';
import { ApiKeyGuard } from './api-key.guard';
import { CustomerTokenVerifier } from './customer-token.verifier';
import { AppKeyRoute, type CallerRequest } from './registration-caller';

class Routes {
  @AppKeyRoute()
  perToken(): void {}
  list(): void {}
}

function contextWith(requestHeaders: Record<string, string | undefined>, route: 'perToken' | 'list' = 'perToken') {
  const headers: Record<string, string> = {};
  const reply = { header: (name: string, value: string) => (headers[name] = value) };
  const request: CallerRequest & { headers: Record<string, string> } = {
    headers: Object.fromEntries(Object.entries(requestHeaders).filter(([, v]) => v !== undefined)) as Record<string, string>,
  };
  const context = {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
    getHandler: () => Routes.prototype[route],
    getClass: () => Routes,
  } as unknown as ExecutionContext;
  return { context, headers, request };
}

const guardFor = async (env: Record<string, string>) => {
  const config = loadConfig('ingest', { AXP_SECRET: 's', ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(config)],
    providers: [ApiKeyGuard, CustomerTokenVerifier],
  }).compile();
  return moduleRef.get(ApiKeyGuard);
};

describe('ApiKeyGuard', () => {
  let guard: ApiKeyGuard;
  beforeAll(async () => {
    guard = await guardFor({ REGISTRATION_API_KEYS: 'old-key,new-key', REGISTRATION_APP_KEYS: 'app-key' });
  });

  it('accepts every key of the list, so keys can be rotated', async () => {
    await expect(guard.canActivate(contextWith({ authorization: 'Bearer old-key' }).context)).resolves.toBe(true);
    await expect(guard.canActivate(contextWith({ authorization: 'Bearer new-key' }).context)).resolves.toBe(true);
    await expect(guard.canActivate(contextWith({ authorization: 'bearer  new-key ' }).context)).resolves.toBe(true);
    await expect(guard.canActivate(contextWith({ 'x-api-key': 'new-key' }).context)).resolves.toBe(true);
  });

  it('lets a server key use every route and an app key only the per-token routes', async () => {
    const server = contextWith({ authorization: 'Bearer new-key' }, 'list');
    await expect(guard.canActivate(server.context)).resolves.toBe(true);
    expect(server.request.registrationCaller).toEqual({ key: { kind: 'server', scope: 'all' } });
    const app = contextWith({ authorization: 'Bearer app-key' }, 'perToken');
    await expect(guard.canActivate(app.context)).resolves.toBe(true);
    expect(app.request.registrationCaller).toEqual({ key: { kind: 'app', scope: 'all' } });
    await expect(guard.canActivate(contextWith({ 'x-api-key': 'app-key' }, 'list').context)).rejects.toMatchObject({
      status: 403,
      response: { message: expect.stringMatching(/needs a server key \(REGISTRATION_API_KEYS\)/) },
    });
  });

  const refused = [undefined, '', 'new-key', 'Basic new-key', 'Bearer', 'Bearer new-key extra', 'Bearer new-ke', 'Bearer new-keyy'];
  it.each(refused)('refuses %p with a 401 and a WWW-Authenticate challenge', async (authorization) => {
    const { context, headers } = contextWith({ authorization });
    await expect(guard.canActivate(context)).rejects.toMatchObject({ status: 401 });
    expect(headers['WWW-Authenticate']).toMatch(/^Bearer realm="registrations"/);
  });

  it('answers any Authorization and X-Api-Key header with a pass or a 401/403, never anything else', async () => {
    const header = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('Bearer new-key', 'Bearer app-key', 'bearer\tnew-key', 'Bearer ', 'Bearer new-key\u0000'),
      fc.string().map((s) => `Bearer ${s}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.option(header, { nil: undefined }), fc.option(header, { nil: undefined }), fc.constantFrom('perToken' as const, 'list' as const), async (authorization, apiKey, route) => {
        const outcome = await guard
          .canActivate(contextWith({ authorization, 'x-api-key': apiKey }, route).context)
          .then(() => 'pass', (error: { status?: number }) => error.status);
        expect(['pass', 401, 403]).toContain(outcome);
      }),
      { numRuns: 500 },
    );
  });

  it('lets everything through with REGISTRATION_AUTH=none', async () => {
    await expect((await guardFor({ REGISTRATION_AUTH: 'none' })).canActivate(contextWith({}, 'list').context)).resolves.toBe(true);
  });
});
