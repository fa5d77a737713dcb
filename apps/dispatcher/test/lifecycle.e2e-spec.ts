import { NotificationProcessor } from '../src/delivery/notification.processor';
import { axpEvent } from '../../../test/support/axp';
import { DispatcherHarness } from './dispatcher-harness';

/** Worker settings, health, and a SIGTERM-style close with jobs in flight. */
describe('dispatcher lifecycle', () => {
  describe('running', () => {
    let h: DispatcherHarness;

    beforeAll(async () => {
      h = await DispatcherHarness.start({ DISPATCH_CONCURRENCY: '3' });
    });
    afterAll(() => h.close());

    it('serves liveness, and readiness with Redis and the worker up', async () => {
      expect((await h.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      const ready = await h.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({
        status: 'ok',
        info: { redis: { status: 'up' }, worker: { status: 'up', running: true, concurrency: 3 } },
      });
    });

    it('applies DISPATCH_CONCURRENCY to the worker: never more than 3 jobs at once', async () => {
      expect(h.app.get(NotificationProcessor).worker.concurrency).toBe(3);
      h.emulator.setDefaultBehaviour({ outcome: 'ok', latencyMs: 400 });
      const events = Array.from({ length: 6 }, () => axpEvent());
      for (const [i, event] of events.entries()) await h.register(event.sessionId, [`conc-${i}`]);
      const ids = await Promise.all(events.map((event) => h.enqueue(event)));
      await Promise.all(ids.map((id) => h.finished(id)));
      const arrivals = h.emulator.requests.map((r) => r.at).sort((a, b) => a - b);
      expect(arrivals).toHaveLength(6);
      // The first three run together; the fourth waits for a slot to free up.
      expect(arrivals[2] - arrivals[0]).toBeLessThan(300);
      expect(arrivals[3] - arrivals[0]).toBeGreaterThanOrEqual(350);
    });
  });

  describe('shutting down', () => {
    let h: DispatcherHarness;

    beforeAll(async () => {
      h = await DispatcherHarness.start({ DISPATCH_CONCURRENCY: '4' });
    });
    afterAll(() => h.close());

    it('stops taking jobs, finishes those in flight (each delivered once), and leaves the rest queued', async () => {
      h.emulator.setDefaultBehaviour({ outcome: 'ok', latencyMs: 1_000 });
      const events = Array.from({ length: 6 }, () => axpEvent());
      for (const [i, event] of events.entries()) await h.register(event.sessionId, [`shut-${i}`]);
      const ids = await Promise.all(events.map((event) => h.enqueue(event)));
      await h.emulator.waitForRequests(4, 5_000);
      const closing = Date.now();
      await h.closeApp();
      expect(Date.now() - closing).toBeGreaterThanOrEqual(500);

      const states = await Promise.all(ids.map((id) => h.queue.getJobState(id)));
      expect(states.filter((s) => s === 'completed')).toHaveLength(4);
      expect(states.filter((s) => s === 'waiting')).toHaveLength(2);
      const tokens = h.emulator.requests.map((r) => r.token);
      expect(tokens).toHaveLength(4);
      expect(new Set(tokens).size).toBe(4);
      for (const [i, id] of ids.entries()) {
        if (states[i] === 'completed') expect((await h.queue.getJob(id))?.returnvalue).toMatchObject({ delivered: 1 });
      }
    });
  });
});
