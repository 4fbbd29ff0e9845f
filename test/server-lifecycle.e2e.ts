import assert from 'node:assert/strict';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { call, connect } from '../client/client';
import { openDatabase } from '../server/store/database';
import { bootstrapToken, describeOnEachStore } from './helpers/server';
import { exited, startCli } from './helpers/processes';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

function healthClient(address: string) {
  const def = protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String });
  const proto = grpc.loadPackageDefinition(def) as any;
  return new proto.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
}

function reflectionClient(address: string) {
  const file = path.join(path.dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection/v1/reflection.proto');
  const proto = grpc.loadPackageDefinition(protoLoader.loadSync(file, { keepCase: true })) as any;
  return new proto.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createInsecure());
}

describeOnEachStore('generic gRPC tools', (ctx) => {
  it('see every service SERVING through grpc.health.v1', async () => {
    const health = healthClient(ctx().address);
    try {
      for (const service of ['', 'taskplane.v1.TaskService', 'taskplane.v1.ConsumerService']) {
        const res = await new Promise<{ status: string }>((resolve, reject) => health.Check({ service }, (e: Error | null, r: { status: string }) => (e ? reject(e) : resolve(r))));
        assert.equal(res.status, 'SERVING', service || '(server)');
      }
    } finally {
      health.close();
    }
  });

  it('discover the API through server reflection', async () => {
    const reflection = reflectionClient(ctx().address);
    try {
      const services = await new Promise<string[]>((resolve, reject) => {
        const stream = reflection.ServerReflectionInfo();
        stream.on('data', (res: any) => {
          resolve(res.list_services_response.service.map((s: { name: string }) => s.name));
          stream.end();
        });
        stream.on('error', reject);
        stream.write({ list_services: '' });
      });
      for (const name of ['taskplane.v1.TaskService', 'taskplane.v1.ConsumerService', 'grpc.health.v1.Health']) assert.ok(services.includes(name), `${name} in ${services}`);
    } finally {
      reflection.close();
    }
  });
});

for (const kind of STORE_KINDS) {
  describe(`graceful shutdown of a server process [${kind}]`, function () {
    this.timeout(60_000);
    let store: TestStore;
    before(async () => {
      store = await createTestStore(kind);
    });
    after(async () => {
      await store.drop();
    });

    it('on SIGTERM ends watch streams with UNAVAILABLE, keeps every acknowledged task, and exits 0 in bounded time', async () => {
      const server = await startCli(
        ['server', '--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0', '--database-url', store.url, '--migrate', '--shutdown-timeout', '5'],
        { TASKPLANE_LOG_LEVEL: 'info' },
        /"event":"server\.started"[^\n]*"port":(\d+)/,
      );
      const address = `127.0.0.1:${server.match[1]}`;
      const clients = connect(address, { token: await bootstrapToken(store.url) });
      try {
        await call(clients.consumers, 'registerConsumer', { consumerId: 'host-1' });
        const { task } = await call(clients.tasks, 'createTask', { consumerId: 'host-1', method: 'packages.install', argumentsJson: '{"packages":["zsh"]}' });
        let watching!: () => void;
        const watchOpen = new Promise<void>((resolve) => (watching = resolve));
        const watchEnded = new Promise<grpc.ServiceError>((resolve, reject) => {
          const stream = clients.tasks.watchTask({ taskId: task!.id });
          stream.on('data', () => watching());
          stream.on('error', resolve);
          stream.on('end', () => reject(new Error('watch ended with OK; expected UNAVAILABLE')));
        });
        await watchOpen; // the server holds the stream (it sent the task's first event)
        // Creates in flight while the signal arrives: each one answered OK must be stored.
        const creates = Array.from({ length: 40 }, (_, i) =>
          call(clients.tasks, 'createTask', { consumerId: 'host-1', method: 'system.info', labels: { n: String(i) } }).then(
            (r) => r.task!.id,
            () => null,
          ),
        );
        const stoppedAt = Date.now();
        server.child.kill('SIGTERM');
        const [{ code }, watchError, results] = await Promise.all([exited(server.child), watchEnded, Promise.all(creates)]);
        assert.equal(code, 0, server.output());
        assert.ok(Date.now() - stoppedAt < 8000, 'exits within the shutdown timeout');
        assert.equal(watchError.code, grpc.status.UNAVAILABLE);
        const acknowledged = results.filter((id): id is string => id !== null);
        const db = openDatabase(store.url);
        try {
          const stored = await db.knex('tasks').whereIn('id', acknowledged).count({ n: '*' });
          assert.equal(Number(stored[0].n), acknowledged.length, `every acknowledged task is committed; server output:\n${server.output()}`);
        } finally {
          await db.close();
        }
      } finally {
        clients.close();
        if (server.child.exitCode === null) server.child.kill('SIGKILL');
      }
    });
  });
}
