import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import knexFactory from 'knex';
import { call } from '../../client/client';
import { createTestStore, type TestStore } from '../helpers/stores';
import { eventually } from '../helpers/server';
import { FaultCluster, mysqlConnection } from './harness';

/**
 * The fault suite on MariaDB: three servers, fifty real agents in five
 * processes, and one fault per case. Every case ends by healing what it
 * broke, waits until every acknowledged task settled, prints its figures
 * and fails on any broken invariant: lost 0, executed twice 0, history
 * twice 0, no server exiting on its own, no unhandled rejection.
 */
describe('fault suite: three servers, fifty agents, MariaDB', function () {
  this.timeout(300_000);
  let store: TestStore;
  let cluster: FaultCluster;

  before(async function () {
    this.timeout(180_000);
    store = await createTestStore('mysql');
    cluster = new FaultCluster({ databaseUrl: store.url });
    await cluster.start();
  });
  after(async function () {
    this.timeout(120_000);
    await cluster?.stop();
    await store?.drop();
  });
  afterEach(async function () {
    // A failed case shows what each server said last (they log warnings and errors only).
    if (this.currentTest?.state === 'failed') {
      process.stderr.write(`--- tasks of case ${cluster.lastCaseName}: ${await cluster.lastCaseStates()}\n`);
      for (const s of cluster.servers) process.stderr.write(`--- server ${s.index}${s.down ? ' (down)' : ''}, last output:\n${s.output.slice(-4000)}\n`);
    }
    await cluster.heal();
  });

  it('server SIGKILL with thousands of tasks in flight', async () => {
    // 3000 tasks of 300 ms on 200 agent slots: about 4.5 s of work, most of it still ahead at the kill.
    const ids = await cluster.create('server-kill', 3000, { hold_ms: 300 }, 128);
    const inFlight = ids.length - (await settledCount(cluster, ids));
    await cluster.killServer(0);
    const t0 = Date.now();
    // Its agents move to the other two; it comes back while they work.
    await cluster.startServer(0);
    const settleMs = (await cluster.settle(ids)) + (Date.now() - t0);
    const f = await cluster.figures('server SIGKILL, 3000 tasks', ids, settleMs, `${inFlight} unsettled at the kill`);
    cluster.assertInvariants(f);
    assert.ok(inFlight >= 1000, `thousands in flight at the kill (${inFlight})`);
  });

  it('agent SIGKILL mid-task', async () => {
    const ids = await cluster.create('agent-kill', 400, { hold_ms: 1500 });
    const victims = new Set(cluster.agentProcesses[0].agents.map((a) => a.consumerId));
    await eventually('tasks running on the victim agents', async () => Number((await cluster.db('tasks').whereIn('consumer_id', [...victims]).where({ state: 'RUNNING' }).count({ n: '*' }))[0].n) > 0, 30_000, 20);
    await cluster.killAgents(0);
    const t0 = Date.now();
    await cluster.startAgents(0);
    const settleMs = (await cluster.settle(ids)) + (Date.now() - t0);
    const f = await cluster.figures('agent SIGKILL mid-task', ids, settleMs);
    cluster.assertInvariants(f);
    assert.ok((f.states.FAILED ?? 0) > 0, 'the interrupted tasks end FAILED (Interrupted), not run again');
  });

  it('replies lost on the way back', async () => {
    // Tasks of 1 s on 200 slots: many are running, and many finish, in the second the fault lasts. The fault
    // lands once tasks run, while the creates may still go on: how fast they are acknowledged is not this case's concern.
    const creating = cluster.create('lost-reply', 600, { hold_ms: 1000 });
    await eventually('tasks running', async () => Number((await cluster.db('tasks').where('idempotency_key', 'like', 'lost-reply-%').where({ state: 'RUNNING' }).count({ n: '*' }))[0].n) > 50, 30_000, 20);
    // Whatever the agents send now (accepted, replies) never arrives; then their connections break.
    for (const p of cluster.proxies) p.blackhole();
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the fault's duration, not a synchronisation
    const ids = await creating;
    // Tasks that ran and finished but are not settled: their replies went into the blackhole.
    const ran = new Set(fs.readFileSync(cluster.runsFile, 'utf8').split('\n'));
    const unsettled = new Set((await cluster.db('tasks').select('id').whereIn('id', ids).whereNotIn('state', ['SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT', 'EXPIRED'])).map((r) => r.id));
    const lostReplies = ids.filter((id) => ran.has(id) && unsettled.has(id)).length;
    for (const p of cluster.proxies) p.cut();
    const settleMs = await cluster.settle(ids);
    cluster.assertInvariants(await cluster.figures('reply lost on the way back', ids, settleMs, `${lostReplies} tasks ran while their replies were being dropped`));
    assert.ok(lostReplies > 0, 'some replies were really lost');
  });

  it('the database connections killed for three seconds', async () => {
    const admin = knexFactory({ client: 'mysql2', connection: mysqlConnection(store.url.replace(/\/[^/]*$/, '')), pool: { min: 1, max: 1 } });
    const database = new URL(store.url.replace(/^mysql:/, 'http:')).pathname.slice(1);
    let killed = 0;
    try {
      const creating = cluster.create('db-outage', 1500, { hold_ms: 20 }, 32);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const end = Date.now() + 3000;
      while (Date.now() < end) {
        const [rows] = await admin.raw('SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [database]);
        for (const r of rows as Array<{ ID: number }>) {
          await admin.raw(`KILL CONNECTION ${Number(r.ID)}`).catch(() => {});
          killed++;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const ids = await creating;
      const settleMs = await cluster.settle(ids);
      cluster.assertInvariants(await cluster.figures('database connections killed for 3 s', ids, settleMs, `${killed} connections killed`));
    } finally {
      await admin.destroy();
    }
  });

  it('a reconnect storm of all agents', async () => {
    const ids = await cluster.create('storm', 1500, { hold_ms: 50 }, 64);
    for (let round = 0; round < 3; round++) {
      for (const p of cluster.proxies) p.cut();
      await cluster.allAgentsOnline();
    }
    const settleMs = await cluster.settle(ids);
    cluster.assertInvariants(await cluster.figures('reconnect storm (all agents, 3 rounds)', ids, settleMs));
  });

  it('a stalled agent (SIGSTOP past the liveness timeout)', async () => {
    const ids = await cluster.create('stall', 400, { hold_ms: 500 });
    const victims = cluster.agentProcesses[1].agents.map((a) => a.consumerId);
    await cluster.killAgents(1, 'SIGSTOP');
    // The servers release the silent streams (liveness 3 s): the consumers show offline.
    await eventually('the stalled agents to show offline', async () => Number((await cluster.db('consumers').whereIn('id', victims).whereNull('session_id').count({ n: '*' }))[0].n) === victims.length, 30_000, 100);
    const t0 = Date.now();
    await cluster.killAgents(1, 'SIGCONT');
    const settleMs = (await cluster.settle(ids)) + (Date.now() - t0);
    cluster.assertInvariants(await cluster.figures('stalled agent (SIGSTOP 3 s+)', ids, settleMs));
  });

  it('100 parallel creates with one idempotency key', async () => {
    const request = { consumerId: cluster.consumerIds[0], method: 'packages.install', argumentsJson: JSON.stringify({ packages: ['same'], runs_file: cluster.runsFile }), idempotencyKey: 'one-key' };
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => call(cluster.clients[i % cluster.clients.length].tasks, 'createTask', request)));
    const failures = results.filter((r) => r.status === 'rejected').map((r) => `${grpc.status[(r as PromiseRejectedResult).reason.code]}: ${(r as PromiseRejectedResult).reason.details}`);
    assert.deepEqual(failures, [], 'every call answers OK');
    const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ task?: { id: string } }>).value.task!.id));
    assert.equal(ids.size, 1, 'one task for one key');
    assert.equal(Number((await cluster.db('tasks').where({ idempotency_key: 'one-key' }).count({ n: '*' }))[0].n), 1);
    const settleMs = await cluster.settle([...ids]);
    cluster.assertInvariants(await cluster.figures('100 parallel creates, one idempotency key', [...ids], settleMs, '100 OK answers, one task'));
  });
});

async function settledCount(cluster: FaultCluster, ids: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < ids.length; i += 1000) n += Number((await cluster.db('tasks').whereIn('id', ids.slice(i, i + 1000)).whereIn('state', ['SUCCEEDED', 'FAILED', 'CANCELED', 'TIMED_OUT', 'EXPIRED']).count({ n: '*' }))[0].n);
  return n;
}
