import { Logger } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { AxpConfigurationRegistry, loadConfig } from '@app/config';
import type { FcmSender } from '@app/fcm';
import type { RegistrationRepository } from '@app/persistence';
import type { NotificationJobData } from '@app/queue';
import type { DeadLetterWriter } from './dead-letter.writer';
import { TransientDeliveryError } from './delivery-result';
import type { Claim, DeliveryLedger, LedgerSession } from './delivery-ledger.service';
import type { PushMetrics } from '@app/observability';
import { DeliveryService } from './delivery.service';
import type { TokenLookup } from './token-lookup.service';
import type { DeliveryHistory } from '../history/delivery-history.service';

const config = loadConfig('dispatcher', { AXP_SECRET: 's' });
const event = {
  eventId: 'e-1',
  conversationId: 'c-1',
  customerId: 'u-1',
  sessionId: 's-1',
  eventDate: new Date().toISOString(),
};

function makeJob(data: Partial<NotificationJobData> = {}, attemptsMade = 0, attempts = 3) {
  const job = {
    id: 'default/e-1',
    timestamp: Date.now(),
    attemptsMade,
    opts: { attempts },
    data: { configId: 'default', event, receivedAt: new Date().toISOString(), ...data } as NotificationJobData,
    updateData: jest.fn(async (next: NotificationJobData) => {
      job.data = next;
    }),
    moveToDelayed: jest.fn(async () => undefined),
  };
  return job;
}
const asJob = (job: ReturnType<typeof makeJob>) => job as unknown as Job<NotificationJobData>;

describe('DeliveryService', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let registrations: jest.Mocked<Pick<RegistrationRepository, 'findLiveTokens' | 'deleteTokens'>>;
  let fcm: jest.Mocked<Pick<FcmSender, 'knows' | 'send'>>;
  let ledger: jest.Mocked<Pick<DeliveryLedger, 'claim'>>;
  let deadLetters: jest.Mocked<Pick<DeadLetterWriter, 'write'>>;
  let metrics: jest.Mocked<Pick<PushMetrics, 'fcmSend' | 'fcmError'>>;
  let session: jest.Mocked<LedgerSession>;
  let history: jest.Mocked<Pick<DeliveryHistory, 'attempt' | 'ended'>>;
  let service: DeliveryService;

  const claims = (entries: Record<string, Claim>) => {
    session.claims = new Map(Object.entries(entries));
  };

  beforeEach(() => {
    registrations = { findLiveTokens: jest.fn(), deleteTokens: jest.fn().mockResolvedValue(0) };
    fcm = { knows: jest.fn().mockReturnValue(true), send: jest.fn().mockResolvedValue({ outcome: 'delivered', messageId: 'm' }) };
    session = { claims: new Map(), delivered: jest.fn().mockResolvedValue(undefined), release: jest.fn().mockResolvedValue(undefined) };
    ledger = {
      claim: jest.fn(async (_c: string, _e: string, tokens: readonly string[]) => {
        if (session.claims.size === 0) claims(Object.fromEntries(tokens.map((t) => [t, { state: 'claimed' } as Claim])));
        return session;
      }),
    };
    deadLetters = { write: jest.fn().mockResolvedValue('dl') };
    metrics = { fcmSend: jest.fn(), fcmError: jest.fn() };
    history = { attempt: jest.fn(), ended: jest.fn() };
    service = new DeliveryService(
      config,
      new AxpConfigurationRegistry(config),
      registrations as unknown as RegistrationRepository,
      { find: (configId: string, sessionId: string) => registrations.findLiveTokens(configId, sessionId) } as unknown as TokenLookup,
      fcm as unknown as FcmSender,
      ledger as unknown as DeliveryLedger,
      deadLetters as unknown as DeadLetterWriter,
      metrics as unknown as PushMetrics,
      history as unknown as DeliveryHistory,
    );
  });

  it('on a retry sends only to pending tokens that are still registered', async () => {
    registrations.findLiveTokens.mockResolvedValue([
      { deviceToken: 'a', platform: 'android' },
      { deviceToken: 'b', platform: 'ios' },
    ]);
    const job = makeJob({ pendingTokens: ['b', 'gone'] }, 1);
    await expect(service.deliver(asJob(job))).resolves.toMatchObject({ outcome: 'delivered', devices: 1, delivered: 1 });
    expect(fcm.send).toHaveBeenCalledTimes(1);
    expect(fcm.send.mock.calls[0][1]).toMatchObject({ token: 'b', apns: expect.any(Object) });
  });

  it('keeps failed tokens pending and throws a transient error while attempts remain', async () => {
    registrations.findLiveTokens.mockResolvedValue([
      { deviceToken: 'a', platform: 'android' },
      { deviceToken: 'b', platform: 'android' },
    ]);
    fcm.send.mockImplementation(async (_c, message) =>
      message.token === 'b' ? { outcome: 'retry', code: 'messaging/internal-error', message: 'x' } : { outcome: 'delivered', messageId: 'm' },
    );
    const job = makeJob();
    await expect(service.deliver(asJob(job))).rejects.toBeInstanceOf(TransientDeliveryError);
    expect(job.updateData).toHaveBeenCalledWith(expect.objectContaining({ pendingTokens: ['b'] }));
    expect(session.delivered).toHaveBeenCalledWith('a');
    expect(session.release).toHaveBeenCalledWith('b');
    expect(deadLetters.write).not.toHaveBeenCalled();
    const [, , results, lastAttempt] = history.attempt.mock.calls[0];
    expect(lastAttempt).toBe(false);
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ token: 'a', outcome: 'delivered', messageName: 'm', latencyMs: expect.any(Number) }),
        expect.objectContaining({ token: 'b', outcome: 'retry', code: 'messaging/internal-error' }),
      ]),
    );
  });

  it('delays the job, without an attempt, when every remaining token is claimed by another send', async () => {
    registrations.findLiveTokens.mockResolvedValue([{ deviceToken: 'a', platform: 'android' }]);
    claims({ a: { state: 'busy', retryInMs: 5_000 } });
    const job = makeJob();
    const before = Date.now();
    await expect(service.deliver(asJob(job), 'lock-token')).rejects.toBeInstanceOf(DelayedError);
    expect(fcm.send).not.toHaveBeenCalled();
    const [until, token] = job.moveToDelayed.mock.calls[0] as unknown as [number, string];
    expect(token).toBe('lock-token');
    expect(until).toBeGreaterThanOrEqual(before + 5_000);
  });

  it('skips tokens the ledger says were delivered', async () => {
    registrations.findLiveTokens.mockResolvedValue([{ deviceToken: 'a', platform: 'android' }]);
    claims({ a: { state: 'delivered' } });
    await expect(service.deliver(asJob(makeJob()))).resolves.toMatchObject({ outcome: 'delivered', delivered: 0, alreadyDelivered: 1 });
    expect(fcm.send).not.toHaveBeenCalled();
  });

  it('settles a delivered push even when the ledger or the token deletion fails', async () => {
    registrations.findLiveTokens.mockResolvedValue([
      { deviceToken: 'a', platform: 'android' },
      { deviceToken: 'dead', platform: 'android' },
    ]);
    fcm.send.mockImplementation(async (_c, message) =>
      message.token === 'dead'
        ? { outcome: 'prune', code: 'messaging/registration-token-not-registered', message: 'x' }
        : { outcome: 'delivered', messageId: 'm' },
    );
    session.delivered.mockRejectedValue(new Error('redis away'));
    registrations.deleteTokens.mockRejectedValue(new Error('postgres away'));
    await expect(service.deliver(asJob(makeJob()))).resolves.toMatchObject({ outcome: 'delivered', delivered: 1, pruned: 1 });
  });

  it('retries a failed token lookup, and dead-letters it as exhausted on the last attempt', async () => {
    registrations.findLiveTokens.mockRejectedValue(new Error('connection refused'));
    await expect(service.deliver(asJob(makeJob({}, 0)))).rejects.toThrow(/token lookup failed: connection refused/);
    expect(deadLetters.write).not.toHaveBeenCalled();
    await expect(service.deliver(asJob(makeJob({}, 2)))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(deadLetters.write).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ reason: 'exhausted', lastError: 'token lookup failed: connection refused' }),
    );
  });

  it("dead-letters at this dispatcher's DISPATCH_MAX_ATTEMPTS when the job allows more", async () => {
    registrations.findLiveTokens.mockRejectedValue(new Error('connection refused'));
    // config: DISPATCH_MAX_ATTEMPTS defaults to 8; the job was queued with 20.
    await expect(service.deliver(asJob(makeJob({}, 6, 20)))).rejects.toThrow(/token lookup failed/);
    expect(deadLetters.write).not.toHaveBeenCalled();
    await expect(service.deliver(asJob(makeJob({}, 7, 20)))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(deadLetters.write).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ reason: 'exhausted' }));
  });

  it('dead-letters a rejected token together with the transient ones still undelivered', async () => {
    registrations.findLiveTokens.mockResolvedValue([
      { deviceToken: 'auth', platform: 'ios' },
      { deviceToken: 'later', platform: 'android' },
    ]);
    fcm.send.mockImplementation(async (_c, message) =>
      message.token === 'auth'
        ? { outcome: 'reject', code: 'messaging/third-party-auth-error', message: 'APNs' }
        : { outcome: 'retry', code: 'messaging/server-unavailable', message: 'x' },
    );
    await expect(service.deliver(asJob(makeJob()))).rejects.toBeInstanceOf(UnrecoverableError);
    expect(deadLetters.write).toHaveBeenCalledWith(expect.anything(), {
      reason: 'rejected',
      lastError: 'messaging/third-party-auth-error: APNs',
      undeliveredTokens: ['auth', 'later'],
    });
  });
});
