import { Client } from 'pg';
import { isStoreUnavailable } from './registration-errors';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isStoreUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a pool wait timeout', new Error('timeout exceeded when trying to connect')],
    ['a terminated connection', new Error('Connection terminated unexpectedly')],
    ['an administrator shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['a statement timeout', withCode('canceling statement due to statement timeout', '57014')],
    ['a missing database', withCode('database "x" does not exist', '3D000')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['a data source not yet connected', new Error('Driver not Connected')],
    ['a wrapped driver error', Object.assign(new Error('query failed'), { driverError: withCode('x', '08006') })],
  ])('true for %s', (_label, error) => {
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it.each([
    ['a missing table (a defect to fix, not an outage)', withCode('relation "registrations" does not exist', '42P01')],
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a non-error', 'boom'],
  ])('false for %s', (_label, error) => {
    expect(isStoreUnavailable(error)).toBe(false);
  });

  it('recognises what pg really throws for a closed port', async () => {
    const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:1/x', connectionTimeoutMillis: 2000 });
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isStoreUnavailable(error)).toBe(true);
  });
});
