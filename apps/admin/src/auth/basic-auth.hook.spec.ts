import { basicCredentialsMatch } from './basic-auth.hook';

const header = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('basicCredentialsMatch', () => {
  it('accepts the configured pair, with a colon inside the password', () => {
    expect(basicCredentialsMatch(header('ops', 'pa:ss'), 'ops', 'pa:ss')).toBe(true);
    expect(basicCredentialsMatch(header('ops', 'pa:ss').replace('Basic', 'basic'), 'ops', 'pa:ss')).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Bearer abc'],
    ['a wrong password', header('ops', 'nope')],
    ['a wrong user', header('root', 'secret')],
    ['a prefix of the password', header('ops', 'secre')],
    ['an empty pair', header('', '')],
    ['no colon', `Basic ${Buffer.from('opssecret').toString('base64')}`],
    ['garbage', 'Basic %%%'],
  ])('refuses %s', (_label, value) => {
    expect(basicCredentialsMatch(value, 'ops', 'secret')).toBe(false);
  });
});
