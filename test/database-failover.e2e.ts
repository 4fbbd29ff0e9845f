import assert from 'node:assert/strict';
import net from 'node:net';
import { call } from '../client/client';
import { startServerOn } from './helpers/server';
import { createTestStore } from './helpers/stores';

/** A port on which nothing listens: connections to it are refused at once. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('a database URL with several hosts [mysql]', function () {
  this.timeout(60_000);

  it('runs on the first host that answers when the first listed is down', async () => {
    const store = await createTestStore('mysql');
    const url = new URL(store.url.replace(/^mysql:/, 'http:'));
    const clusterUrl = `mysql://${url.username || 'root'}${url.password ? `:${url.password}` : ''}@127.0.0.1:${await deadPort()},${url.host}${url.pathname}`;
    const ts = await startServerOn({ ...store, url: clusterUrl });
    try {
      await call(ts.clients.consumers, 'registerConsumer', { consumerId: 'failover-1' });
      const { task } = await call(ts.clients.tasks, 'createTask', { consumerId: 'failover-1', method: 'testing.echo' });
      assert.equal((await call(ts.clients.tasks, 'getTask', { taskId: task!.id })).task!.state, 'TASK_STATE_WAITING');
    } finally {
      ts.clients.close();
      await ts.server.stop();
      await store.drop();
    }
  });
});
