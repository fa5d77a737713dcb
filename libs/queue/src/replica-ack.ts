/**
 * `WAIT n timeout` for the intake (REDIS_MIN_REPLICAS_ACK): Redis replicates asynchronously, so a
 * batch the master stored can vanish in a failover unless `n` replicas confirmed it first.
 */
import type { Cluster, Redis } from 'ioredis';
import type { Queue } from 'bullmq';

export class ReplicaAckError extends Error {
  constructor(acks: number, wanted: number, timeoutMs: number) {
    super(`${acks} of ${wanted} replicas confirmed the batch within ${timeoutMs} ms`);
    this.name = 'ReplicaAckError';
  }
}

/**
 * Resolves once `wanted` replicas hold every write this queue's connection made so far; rejects
 * with ReplicaAckError when fewer confirm within `timeoutMs`. WAIT counts the writes of the
 * connection it runs on, so it goes to the very connection `addBulk` used: the queue's client or,
 * on a Cluster, that client's connection to the master of the queue's slot (the prefix's hash tag).
 */
export async function confirmReplicas(queue: Queue, wanted: number, timeoutMs: number): Promise<void> {
  const client = (await queue.getBackend().client) as unknown as Redis | Cluster;
  const node = client.isCluster ? await slotMaster(client as Cluster, queue.qualifiedName) : (client as Redis);
  const acks = await node.wait(wanted, timeoutMs);
  if (acks < wanted) throw new ReplicaAckError(acks, wanted, timeoutMs);
}

const slotOfKey = new WeakMap<Cluster, Map<string, number>>();

async function slotMaster(cluster: Cluster, key: string): Promise<Redis> {
  let slots = slotOfKey.get(cluster);
  if (!slots) slotOfKey.set(cluster, (slots = new Map()));
  let slot = slots.get(key);
  if (slot === undefined) {
    slot = Number(await cluster.cluster('KEYSLOT', key));
    slots.set(key, slot);
  }
  // The slot table is ioredis's own, refreshed on MOVED and after a failover.
  const master = cluster.slots[slot]?.[0];
  const node = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === master);
  if (!node) throw new Error(`no connection to the master of slot ${slot}`);
  return node;
}
