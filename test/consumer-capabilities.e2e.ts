import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call, type TaskplaneClients } from '../client/client';
import { FakeAgent } from './helpers/fake-agent';
import { describeOnEachStore, expectStatus, startServerOn, type TestServer } from './helpers/server';

const OFFERED = ['packages.install', 'packages.update', 'system.info'];
const ZSH = JSON.stringify({ packages: ['zsh'] });

async function register(clients: TaskplaneClients, consumerId: string, labels: Record<string, string> = {}): Promise<string> {
  return (await call(clients.consumers, 'registerConsumer', { consumerId, labels })).credential;
}

/** A hand-driven agent whose hello offered `methods`; resolves once the server welcomed it (its hello is stored by then). */
async function connect(t: TestServer, consumerId: string, credential: string, methods: string[]): Promise<FakeAgent> {
  const agent = new FakeAgent(t.address, consumerId, credential, { methods });
  await agent.next('welcome', (m) => Boolean(m.welcome));
  return agent;
}

function create(clients: TaskplaneClients, consumerId: string, method: string, extra: object = {}) {
  return call(clients.tasks, 'createTask', { consumerId, method, ...extra });
}

async function taskCount(clients: TaskplaneClients, consumerId: string): Promise<number> {
  return (await call(clients.tasks, 'listTasks', { consumerId, pageSize: 1000 })).tasks.length;
}

const refusal = (field: string, method: string, consumerId: string) =>
  `${field} "${method}" is not offered by consumer ${consumerId}'s agent (fake/1); it offers: ${OFFERED.join(', ')}. Set allow_unknown_method (taskplane task create --force) to create it anyway`;

describeOnEachStore('consumer capabilities', (ctx) => {
  const agents: FakeAgent[] = [];
  afterEach(() => {
    for (const a of agents.splice(0)) a.close();
  });

  it('keeps each consumer\'s last hello: agent version, methods, hello time', async () => {
    const credential = await register(ctx().clients, 'cap-keep');
    const before = (await call(ctx().clients.consumers, 'getConsumer', { consumerId: 'cap-keep' })).consumer!;
    assert.equal(before.agentVersion, '');
    assert.deepEqual(before.methods, []);
    assert.equal(before.helloTime, null);
    agents.push(await connect(ctx(), 'cap-keep', credential, ['system.info', 'packages.update', 'packages.install']));
    const after = (await call(ctx().clients.consumers, 'getConsumer', { consumerId: 'cap-keep' })).consumer!;
    assert.equal(after.agentVersion, 'fake/1');
    assert.deepEqual(after.methods, OFFERED, 'sorted');
    assert.ok(after.helloTime, 'hello time set');
  });

  it('refuses a misspelled method with FAILED_PRECONDITION naming the offered ones, writing nothing', async () => {
    const credential = await register(ctx().clients, 'cap-web-3');
    agents.push(await connect(ctx(), 'cap-web-3', credential, OFFERED));
    const err = await expectStatus(create(ctx().clients, 'cap-web-3', 'packages.instal'), grpc.status.FAILED_PRECONDITION);
    assert.equal(err.details, refusal('method', 'packages.instal', 'cap-web-3'));
    // The keyed path (idempotency) checks too.
    const keyed = await expectStatus(create(ctx().clients, 'cap-web-3', 'packages.instal', { idempotencyKey: 'cap-k1' }), grpc.status.FAILED_PRECONDITION);
    assert.equal(keyed.details, refusal('method', 'packages.instal', 'cap-web-3'));
    assert.equal(await taskCount(ctx().clients, 'cap-web-3'), 0);
    // An offered method is fine.
    assert.equal((await create(ctx().clients, 'cap-web-3', 'system.info')).task!.method, 'system.info');
  });

  it('accepts an unoffered method when the request says it knows better (allow_unknown_method)', async () => {
    const credential = await register(ctx().clients, 'cap-force');
    agents.push(await connect(ctx(), 'cap-force', credential, OFFERED));
    await expectStatus(create(ctx().clients, 'cap-force', 'packages.instal'), grpc.status.FAILED_PRECONDITION);
    const { task } = await create(ctx().clients, 'cap-force', 'packages.instal', { allowUnknownMethod: true });
    assert.equal(task!.method, 'packages.instal');
    assert.equal(await taskCount(ctx().clients, 'cap-force'), 1);
  });

  it('accepts any method for a consumer whose agent never connected, and checks from its first hello on', async () => {
    const credential = await register(ctx().clients, 'cap-never');
    const { task } = await create(ctx().clients, 'cap-never', 'packages.instal');
    assert.equal(task!.state, 'TASK_STATE_WAITING');
    agents.push(await connect(ctx(), 'cap-never', credential, OFFERED));
    await expectStatus(create(ctx().clients, 'cap-never', 'packages.instal'), grpc.status.FAILED_PRECONDITION);
  });

  it('checks every request of a batch (all or nothing) and every consumer of a fan-out', async () => {
    const a = await register(ctx().clients, 'cap-batch-a', { capfleet: 'x' });
    const b = await register(ctx().clients, 'cap-batch-b', { capfleet: 'x' });
    agents.push(await connect(ctx(), 'cap-batch-a', a, [...OFFERED, 'packages.uninstall']));
    agents.push(await connect(ctx(), 'cap-batch-b', b, OFFERED));
    const batch = await expectStatus(
      call(ctx().clients.tasks, 'batchCreateTasks', { requests: [{ consumerId: 'cap-batch-a', method: 'system.info' }, { consumerId: 'cap-batch-b', method: 'packages.instal' }] }),
      grpc.status.FAILED_PRECONDITION,
    );
    assert.equal(batch.details, refusal('requests[1].method', 'packages.instal', 'cap-batch-b'));
    const group = await expectStatus(call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['capfleet=x'], template: { method: 'packages.uninstall', argumentsJson: ZSH } }), grpc.status.FAILED_PRECONDITION);
    assert.equal(group.details, refusal('template.method', 'packages.uninstall', 'cap-batch-b'));
    assert.equal((await taskCount(ctx().clients, 'cap-batch-a')) + (await taskCount(ctx().clients, 'cap-batch-b')), 0, 'nothing written');
    const forced = await call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['capfleet=x'], template: { method: 'packages.uninstall', argumentsJson: ZSH, allowUnknownMethod: true } });
    assert.equal(forced.tasks.length, 2);
  });

  it('sees a hello received by another server sharing the database at once', async () => {
    const other = await startServerOn(ctx().store);
    try {
      const credential = await register(ctx().clients, 'cap-two');
      const first = await connect(other, 'cap-two', credential, OFFERED);
      agents.push(first);
      await expectStatus(create(ctx().clients, 'cap-two', 'packages.uninstall', { argumentsJson: ZSH }), grpc.status.FAILED_PRECONDITION);
      // The agent is upgraded and reconnects (through the other server): its new method is accepted here.
      first.close();
      agents.push(await connect(other, 'cap-two', credential, [...OFFERED, 'packages.uninstall']));
      assert.equal((await create(ctx().clients, 'cap-two', 'packages.uninstall', { argumentsJson: ZSH })).task!.method, 'packages.uninstall');
    } finally {
      for (const a of agents.splice(0)) a.close();
      other.clients.close();
      await other.server.stop('test finished');
    }
  });
});
