/**
 * confirmReplicas (REDIS_MIN_REPLICAS_ACK) against real redis-servers of its own: a master alone
 * cannot confirm a batch; once a replica follows it, the same queue's writes are confirmed.
 */
import { Queue } from 'bullmq';
import { ReplicaAckError, confirmReplicas } from '@app/queue';
import { removeDir, tempDir, waitFor } from '../../../test/support/processes';
import { RedisServer } from '../../../test/support/redis-server';
import { uniquePrefix } from '../../../test/support/test-config';

describe('confirmReplicas', () => {
  const logDir = tempDir('replica-ack');
  let master: RedisServer;
  let replica: RedisServer;
  let queue: Queue;

  beforeAll(async () => {
    [master, replica] = await Promise.all([RedisServer.start(logDir), RedisServer.start(logDir)]);
    queue = new Queue('replica-ack', { connection: { host: '127.0.0.1', port: master.port, maxRetriesPerRequest: 1 }, prefix: uniquePrefix('ack') });
  });

  afterAll(async () => {
    await queue?.close();
    await Promise.all([master?.destroy(), replica?.destroy()]);
    removeDir(logDir);
  });

  it('rejects a batch no replica confirmed, within the timeout', async () => {
    await queue.add('job', { n: 1 });
    const started = Date.now();
    await expect(confirmReplicas(queue, 1, 150)).rejects.toThrow(ReplicaAckError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('resolves once a replica holds the batch', async () => {
    const client = replica.client();
    try {
      await client.replicaof('127.0.0.1', master.port);
      await waitFor('the replica to sync', async () => /master_link_status:up/.test(await client.info('replication')), 10_000);
    } finally {
      client.disconnect();
    }
    await queue.addBulk([{ name: 'job', data: { n: 2 } }, { name: 'job', data: { n: 3 } }]);
    await expect(confirmReplicas(queue, 1, 1_000)).resolves.toBeUndefined();
  });
});
