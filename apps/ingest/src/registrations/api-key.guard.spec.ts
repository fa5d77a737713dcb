import type { ExecutionContext } from '@nestjs/common';
import { loadConfig } from '@app/config';
import { ApiKeyGuard } from './api-key.guard';

function contextWith(authorization: string | undefined) {
  const headers: Record<string, string> = {};
  const reply = { header: (name: string, value: string) => (headers[name] = value) };
  const context = {
    switchToHttp: () => ({
      getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }),
      getResponse: () => reply,
    }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

const guardFor = (env: Record<string, string>) => new ApiKeyGuard(loadConfig('ingest', { AXP_SECRET: 's', ...env }));

describe('ApiKeyGuard', () => {
  const guard = guardFor({ REGISTRATION_API_KEYS: 'old-key,new-key' });

  it('accepts every key of the list, so keys can be rotated', () => {
    expect(guard.canActivate(contextWith('Bearer old-key').context)).toBe(true);
    expect(guard.canActivate(contextWith('Bearer new-key').context)).toBe(true);
    expect(guard.canActivate(contextWith('bearer  new-key ').context)).toBe(true);
  });

  const refused = [
    undefined,
    '',
    'new-key',
    'Basic new-key',
    'Bearer',
    'Bearer new-key extra',
    'Bearer new-ke',
    'Bearer new-keyy',
  ];
  it.each(refused)(
    'refuses %p with a 401 and a WWW-Authenticate challenge',
    (authorization) => {
      const { context, headers } = contextWith(authorization);
      expect(() => guard.canActivate(context)).toThrow(expect.objectContaining({ status: 401 }));
      expect(headers['WWW-Authenticate']).toMatch(/^Bearer realm="registrations"/);
    },
  );

  it('lets everything through with REGISTRATION_AUTH=none', () => {
    expect(guardFor({ REGISTRATION_AUTH: 'none' }).canActivate(contextWith(undefined).context)).toBe(true);
  });
});
