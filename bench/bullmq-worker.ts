/**
 * The BullMQ side's workers, in their own process as taskplane's agents are
 * (bench/agents.ts): `workers` Worker instances of `concurrency` each, whose
 * job does what taskplane's bench.noop does: nothing, and returns.
 */
import { Worker } from 'bullmq';
import type { RedisConnection } from './peers';

interface Start {
  connection: RedisConnection;
  queue: string;
  workers: number;
  concurrency: number;
}

const workers: Worker[] = [];

process.on('message', async (message: Start | 'stop') => {
  if (message === 'stop') {
    await Promise.allSettled(workers.map((w) => w.close()));
    process.exit(0);
  }
  for (let i = 0; i < message.workers; i++) {
    const worker = new Worker(message.queue, async () => ({ ok: true }), {
      connection: message.connection,
      concurrency: message.concurrency,
      // Completed jobs are removed, as a queue in production would; the bench listens for completions as they happen.
      removeOnComplete: { count: 0 },
    });
    worker.on('error', () => {});
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  process.send!({ type: 'ready' });
});
