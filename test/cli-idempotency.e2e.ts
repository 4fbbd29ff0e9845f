import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { EXIT } from '../common/exit-codes';
import { runCli } from './helpers/processes';
import { describeOnEachStore, expectStatus, type TestServer } from './helpers/server';

/**
 * Retries are idempotent with relative times: `--in` goes to the server as
 * a delay (CreateTaskRequest.not_before_delay) that it resolves on its own
 * clock, and a retry is compared as written. Display names count
 * characters, not UTF-16 units. On each store.
 */

describeOnEachStore('relative times and idempotent retries', (ctx) => {
  function cli(t: TestServer, args: string[]) {
    return runCli(args, { TASKPLANE_SERVER: t.address, TASKPLANE_TOKEN: t.token, TASKPLANE_TOKEN_FILE: '', TASKPLANE_OUTPUT: 'json' });
  }

  before(async function () {
    await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'idem-1' });
  });

  it('task create --in 10m --idempotency-key K run twice returns the first task', async function () {
    // Three runs of the binary: seconds each on a loaded machine.
    this.timeout(60_000);
    const args = ['task', 'create', '--consumer', 'idem-1', '--method', 'demo.later', '--in', '10m', '--for', '1h', '--idempotency-key', 'retry-in-10m'];
    const first = await cli(ctx(), args);
    assert.equal(first.code, 0, first.stderr);
    const second = await cli(ctx(), args);
    assert.equal(second.code, 0, second.stderr);
    const [a, b] = [JSON.parse(first.stdout).task, JSON.parse(second.stdout).task];
    assert.equal(b.id, a.id);
    assert.equal(b.notBeforeTime, a.notBeforeTime, 'the times resolved the first time');
    // The server resolved the delay against its clock when it stored the task.
    assert.equal(Date.parse(a.notBeforeTime) - Date.parse(a.createTime), 10 * 60_000);
    assert.equal(Date.parse(a.notAfterTime) - Date.parse(a.createTime), 70 * 60_000);

    const other = await cli(ctx(), [...args.slice(0, 7), '11m', ...args.slice(8)]);
    assert.equal(other.code, EXIT.CONFLICT, 'another delay is another request');
    assert.match(other.stderr, /ALREADY_EXISTS: idempotency_key: "retry-in-10m" was already used for a different request/);
  });

  it('a request giving both a time and a delay for one end of the window is refused, naming both', async function () {
    const err = await expectStatus(
      call(ctx().clients.tasks, 'createTask', { consumerId: 'idem-1', method: 'demo.both', notBeforeTime: { seconds: String(Math.floor(Date.now() / 1000) + 60) }, notBeforeDelay: { seconds: '60' } }),
      grpc.status.INVALID_ARGUMENT,
    );
    assert.match(err.details, /not_before_delay.*not_before_time/);
    await expectStatus(call(ctx().clients.tasks, 'createTask', { consumerId: 'idem-1', method: 'demo.neg', notBeforeDelay: { seconds: '-5' } }), grpc.status.INVALID_ARGUMENT);
  });

  it('a display name of 255 characters is accepted however many UTF-16 units it takes; 256 are refused', async function () {
    const emoji = '😀'.repeat(255);
    const { consumer } = await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'emoji-name', displayName: emoji });
    assert.equal(consumer!.displayName, emoji);
    const stored = await call(ctx().clients.consumers, 'getConsumer', { consumerId: 'emoji-name' });
    assert.equal(stored.consumer!.displayName, emoji);
    const err = await expectStatus(call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'emoji-long', displayName: `${emoji}😀` }), grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /display_name: is longer than 255 characters/);
  });
});
