import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { eventually } from './server';
import { exited } from './processes';

/**
 * A three-node MariaDB Galera cluster on loopback ports, for tests: its own
 * data directories under the temp dir, started and stopped by the test.
 * Needs mariadbd, mariadb-install-db, rsync and the galera-4 provider
 * (Debian: mariadb-server, galera-4, rsync); the nodes run as the mysql
 * user, so the rsync state transfer can write the joiners' directories.
 */
export const GALERA_PROVIDER = ['/usr/lib/galera/libgalera_smm.so', '/usr/lib/libgalera_smm.so'].find((p) => fs.existsSync(p)) ?? null;

export function galeraAvailable(): boolean {
  return GALERA_PROVIDER !== null && fs.existsSync('/usr/sbin/mariadbd') && hasCommand('mariadb-install-db') && hasCommand('rsync');
}

function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface GaleraNode {
  index: number;
  dataDir: string;
  port: number;
  galeraPort: number;
  istPort: number;
  sstPort: number;
  child: ChildProcess | null;
  output: string;
}

export class GaleraCluster {
  readonly nodes: GaleraNode[] = [];
  private readonly root: string;

  private constructor() {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'taskplane-galera-'));
    // The nodes run as mysql: they must reach their directories.
    fs.chmodSync(this.root, 0o755);
  }

  /** Starts three nodes (the first bootstraps) and resolves once all three are synced members of one cluster. */
  static async start(deadlineMs = 120_000): Promise<GaleraCluster> {
    const cluster = new GaleraCluster();
    try {
      for (let i = 0; i < 3; i++) {
        const dataDir = path.join(cluster.root, `node${i + 1}`);
        fs.mkdirSync(dataDir);
        execFileSync('chown', ['mysql:mysql', dataDir]);
        execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--user=mysql'], { stdio: 'ignore' });
        cluster.nodes.push({ index: i, dataDir, port: await freePort(), galeraPort: await freePort(), istPort: await freePort(), sstPort: await freePort(), child: null, output: '' });
      }
      cluster.startNode(0, true);
      await cluster.waitReady(0, 1, deadlineMs);
      cluster.startNode(1);
      cluster.startNode(2);
      for (const n of cluster.nodes) await cluster.waitReady(n.index, 3, deadlineMs);
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /** mysql://root@127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3 (no database). */
  get serverUrl(): string {
    return `mysql://root@${this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`;
  }

  private startNode(i: number, bootstrap = false): void {
    const n = this.nodes[i];
    const addresses = this.nodes.map((m) => `127.0.0.1:${m.galeraPort}`).join(',');
    const args = [
      '--no-defaults',
      '--user=mysql',
      `--datadir=${n.dataDir}`,
      `--port=${n.port}`,
      '--bind-address=127.0.0.1',
      `--socket=${path.join(n.dataDir, 'mysqld.sock')}`,
      `--pid-file=${path.join(n.dataDir, 'mysqld.pid')}`,
      '--wsrep_on=ON',
      `--wsrep_provider=${GALERA_PROVIDER}`,
      `--wsrep_cluster_address=gcomm://${addresses}`,
      `--wsrep_provider_options=base_port=${n.galeraPort};gmcast.listen_addr=tcp://127.0.0.1:${n.galeraPort};ist.recv_addr=127.0.0.1:${n.istPort}`,
      `--wsrep_node_address=127.0.0.1:${n.galeraPort}`,
      `--wsrep_sst_receive_address=127.0.0.1:${n.sstPort}`,
      `--wsrep_node_name=node${i + 1}`,
      '--wsrep_sst_method=rsync',
      '--binlog_format=ROW',
      '--innodb_autoinc_lock_mode=2',
      '--default_storage_engine=InnoDB',
      '--innodb_buffer_pool_size=64M',
      '--innodb_log_file_size=32M',
      '--max_connections=500',
      ...(bootstrap ? ['--wsrep-new-cluster'] : []),
    ];
    const child = spawn('/usr/sbin/mariadbd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => (n.output = (n.output + d).slice(-20_000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    n.child = child;
  }

  /** Waits until node `i` answers, is ready (wsrep_ready ON) and sees `size` members. */
  private async waitReady(i: number, size: number, deadlineMs: number): Promise<void> {
    const n = this.nodes[i];
    await eventually(
      `galera node ${i + 1} ready in a cluster of ${size}`,
      async () => {
        if (n.child && (n.child.exitCode !== null || n.child.signalCode !== null)) throw new Error(`galera node ${i + 1} exited:\n${n.output.slice(-4000)}`);
        const status = await this.status(i).catch(() => null);
        return status !== null && status.wsrep_ready === 'ON' && Number(status.wsrep_cluster_size) === size && status.wsrep_local_state_comment === 'Synced';
      },
      deadlineMs,
      200,
    );
  }

  /** The node's wsrep_* status variables. */
  async status(i: number): Promise<Record<string, string>> {
    const knex = this.admin(i);
    try {
      const [rows] = await knex.raw("SHOW STATUS LIKE 'wsrep_%'");
      return Object.fromEntries((rows as Array<{ Variable_name: string; Value: string }>).map((r) => [r.Variable_name, r.Value]));
    } finally {
      await knex.destroy();
    }
  }

  admin(i: number): Knex {
    // Quiet: while a node starts, refused connections are expected and retried.
    const quiet = { warn() {}, error() {}, deprecate() {}, debug() {} };
    return knexFactory({ client: 'mysql2', connection: { host: '127.0.0.1', port: this.nodes[i].port, user: 'root', connectTimeout: 2000 }, pool: { min: 0, max: 1 }, log: quiet });
  }

  /** SIGKILL: the node vanishes as in a crash; the other two keep the primary component. */
  async kill(i: number): Promise<void> {
    const child = this.nodes[i].child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (n) => {
        if (!n.child || n.child.exitCode !== null || n.child.signalCode !== null) return;
        n.child.kill('SIGTERM');
        const timer = setTimeout(() => n.child!.kill('SIGKILL'), 30_000);
        await exited(n.child);
        clearTimeout(timer);
      }),
    );
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}
