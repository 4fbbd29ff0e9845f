import assert from 'node:assert/strict';
import { GaleraCluster, galeraAvailable } from '../helpers/galera';
import { FaultCluster } from './harness';

/**
 * The database as a cluster: taskplane on a three-node MariaDB Galera
 * cluster, one URL naming all three nodes. The servers all write through
 * the first node that answers; that node is killed under load.
 */
describe('fault suite: a Galera node killed under load', function () {
  this.timeout(300_000);
  let galera: GaleraCluster | undefined;
  let cluster: FaultCluster | undefined;

  before(async function () {
    if (!galeraAvailable()) throw new Error('needs mariadbd, mariadb-install-db, rsync and the galera-4 provider (Debian: apt-get install mariadb-server galera-4 rsync)');
    this.timeout(240_000);
    galera = await GaleraCluster.start();
    const admin = galera.admin(0);
    try {
      await admin.raw('CREATE DATABASE taskplane CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
    } finally {
      await admin.destroy();
    }
    cluster = new FaultCluster({ databaseUrl: `${galera.serverUrl}/taskplane` });
    await cluster.start();
  });
  after(async function () {
    this.timeout(120_000);
    await cluster?.stop();
    await galera?.stop();
  });

  it('loses nothing, runs nothing twice and writes no history twice when the node in use dies', async () => {
    const c = cluster!;
    let killedAt = 0;
    const ids = await c.create('galera-kill', 2000, { hold_ms: 100 }, 64, (done) => {
      if (done === 600) {
        killedAt = Date.now();
        void galera!.kill(0);
      }
    });
    const settleMs = await c.settle(ids, 180_000);
    const sizes = await Promise.all([1, 2].map(async (i) => Number((await galera!.status(i)).wsrep_cluster_size)));
    const f = await c.figures('Galera node killed (the one in use)', ids, settleMs, `killed ${killedAt ? 'after 600 acknowledged creates' : 'never'}; cluster size after: ${sizes.join('/')}`);
    c.assertInvariants(f);
    assert.deepEqual(sizes, [2, 2], 'the two surviving nodes form the primary component');
  });
});
