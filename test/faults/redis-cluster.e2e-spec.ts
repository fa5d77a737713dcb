/**
 * Fault 8: the whole pipeline on a Redis Cluster (three masters, one replica each), then the master
 * holding the queue's slot is SIGKILLed mid-run and its replica takes over. Every callback answered
 * 202 must be delivered; the intake runs with REDIS_MIN_REPLICAS_ACK=1, its WAIT going to the
 * master of the queue's slot.
 */
import type { Cluster } from 'ioredis';
import { NOTIFICATIONS_QUEUE } from '@app/queue';
import { removeDir, tempDir, waitFor } from '../support/processes';
import { CallbackLoad } from './support/callback-load';
import { FailoverWatch, answersBetween, steadyRun, writtenToOutbox } from './support/failover-watch';
import { awaitDelivery, report } from './support/figures';
import { RedisClusterGroup } from './support/redis-ha';
import { type AppProcess, FaultStack, type Session } from './support/stack';

const CALLBACKS = 1_200;
const PER_SECOND = 100;

describe('fault 8: Redis Cluster', () => {
  const logDir = tempDir('faults-cluster-group');
  let group: RedisClusterGroup;
  let stack: FaultStack;
  let sessions: Session[];
  let ingest: AppProcess;
  let dispatcher: AppProcess;
  let assertions: Cluster;

  beforeAll(async () => {
    group = await RedisClusterGroup.start(logDir);
    stack = await FaultStack.start('redis-cluster', group.env());
    assertions = group.cluster();
    stack.queueConnection = assertions as never;
    sessions = await stack.seedSessions(200);
    ingest = await stack.startIngest({ REDIS_MIN_REPLICAS_ACK: '1' });
    dispatcher = await stack.startDispatcher();
  });

  afterAll(async () => {
    const keep = process.env.FAULTS_KEEP_LOGS === '1';
    await stack?.destroy(keep);
    assertions?.disconnect();
    await group?.destroy();
    if (!keep) removeDir(logDir);
  });

  it('delivers every accepted event, also across the failover of the master holding the queue', async () => {
    const ready = async () => (await Promise.all([ingest, dispatcher].map((a) => a.status('/health/ready')))).every((s) => s === 200);
    await waitFor('the apps ready on the cluster', ready, 20_000, 200);
    const queueKey = `${stack.prefix}:${NOTIFICATIONS_QUEUE}`;
    const master = await group.masterOf(queueKey);
    const outboxBefore = await writtenToOutbox(ingest);
    const load = new CallbackLoad(ingest.url, sessions);
    const flowing = steadyRun(load, CALLBACKS, PER_SECOND);

    await waitFor('a third of the callbacks sent', () => load.sent.length >= CALLBACKS / 3, 60_000, 50);
    const beforeKill = load.sent.length;
    await master.kill();
    const killedAt = Date.now();
    const watch = new FailoverWatch(ingest, [dispatcher]);
    watch.start(killedAt);
    await waitFor('a replica to take over the slot', async () => (await group.masterOf(queueKey)).port !== master.port, 30_000, 100);
    const promotedAt = Date.now();
    // Restarted, the old master rejoins as the new master's replica, so WAIT 1 is met again.
    await master.start();
    await waitFor('the old master to replicate the new one', async () => /master_link_status:up/.test(String(await master.command('INFO', 'replication'))), 30_000, 200);
    await flowing;
    load.close();
    await waitFor('the apps ready again', ready, 30_000, 200);
    await watch.stop();

    const during = answersBetween(load.sent, killedAt, killedAt + (watch.firstQueuedAfterMs ?? promotedAt - killedAt));
    const viaOutbox = (await writtenToOutbox(ingest)) - outboxBefore;
    const figures = report(
      await awaitDelivery('8 Cluster, slot master killed', stack, load.sent, 90_000).then((f) => ({
        ...f,
        notes:
          `3 masters + 3 replicas; killed after ${beforeKill} callbacks; replica took over ${promotedAt - killedAt} ms after the kill; ` +
          `all answers ${JSON.stringify(load.statusCounts())}, during the failover ${JSON.stringify(during.counts)} (slowest ${during.slowestMs} ms); ` +
          `${viaOutbox} stored through the outbox; ${watch.describe()}`,
      })),
    );
    // What the callers got is reported above; what matters here is that every 202 is delivered.
    expect(figures.accepted).toBeGreaterThan(CALLBACKS / 2);
    expect(figures.lost).toBe(0);
    expect(figures.delivered).toBe(figures.expected);
  });
});
