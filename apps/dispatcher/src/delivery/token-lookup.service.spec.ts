import type { LiveToken, RegistrationRepository } from '@app/persistence';
import { TokenLookup } from './token-lookup.service';

describe('TokenLookup', () => {
  let repository: jest.Mocked<Pick<RegistrationRepository, 'findLiveTokensForSessions'>>;
  let lookup: TokenLookup;
  const token = (deviceToken: string): LiveToken => ({ deviceToken, platform: 'android' });

  beforeEach(() => {
    repository = {
      findLiveTokensForSessions: jest.fn(async (_configId: string, sessions: readonly string[]) =>
        new Map(sessions.map((s) => [s, s === 'empty' ? [] : [token(`${s}-t`)]])),
      ),
    };
    lookup = new TokenLookup(repository as unknown as RegistrationRepository);
  });

  it('answers lookups made together with one query per configuration', async () => {
    const answers = await Promise.all([
      lookup.find('a', 's1'),
      lookup.find('a', 's2'),
      lookup.find('a', 's1'),
      lookup.find('b', 's3'),
      lookup.find('a', 'empty'),
    ]);
    expect(answers).toEqual([[token('s1-t')], [token('s2-t')], [token('s1-t')], [token('s3-t')], []]);
    expect(repository.findLiveTokensForSessions).toHaveBeenCalledTimes(2);
    expect(repository.findLiveTokensForSessions).toHaveBeenCalledWith('a', ['s1', 's2', 'empty']);
    expect(repository.findLiveTokensForSessions).toHaveBeenCalledWith('b', ['s3']);
  });

  it('fails every lookup of a batch whose query failed, and recovers on the next', async () => {
    repository.findLiveTokensForSessions.mockRejectedValueOnce(new Error('connection refused'));
    const failed = await Promise.allSettled([lookup.find('a', 's1'), lookup.find('a', 's2')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(lookup.find('a', 's1')).resolves.toEqual([token('s1-t')]);
  });
});
