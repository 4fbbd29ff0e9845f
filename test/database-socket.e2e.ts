import assert from 'node:assert/strict';
import { call } from '../client/client';
import { openDatabase } from '../server/store/database';
import { startServerOn, type TestServer } from './helpers/server';
import { createTestStore, type TestStore } from './helpers/stores';

// MySQL only: a Unix socket is how a server reaches a MySQL on its own machine.
describe('a MySQL on the same machine, through its Unix socket', function () {
  this.timeout(30_000);
  let store: TestStore;
  let server: TestServer | undefined;
  before(async () => {
    store = await createTestStore('mysql');
  });
  after(async () => {
    server?.clients.close();
    await server?.server.stop();
    await store?.drop();
  });

  it('serves on a socket= URL, and its connections are socket connections', async () => {
    const tcp = openDatabase(store.url);
    let socketPath: string;
    try {
      socketPath = (await tcp.knex.raw('SELECT @@socket AS socket'))[0][0].socket;
    } finally {
      await tcp.close();
    }
    const url = `${store.url}?socket=${encodeURIComponent(socketPath)}`;
    server = await startServerOn({ ...store, url });
    const { credential } = await call(server.clients.consumers, 'registerConsumer', { consumerId: 'socket-1' });
    assert.ok(credential);
    const { task } = await call(server.clients.tasks, 'createTask', { consumerId: 'socket-1', method: 'testing.echo' });
    assert.equal((await call(server.clients.tasks, 'getTask', { taskId: task!.id })).task!.id, task!.id);

    const viaSocket = openDatabase(url);
    try {
      // MySQL names a socket client's host "localhost"; a TCP client's is "127.0.0.1:PORT".
      const [[me]] = await viaSocket.knex.raw('SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()');
      assert.equal(me.host, 'localhost');
    } finally {
      await viaSocket.close();
    }
  });
});
