import assert from 'node:assert/strict';
import { CreateForwarder, FORWARD_BACKOFF_MS } from '../server/cluster/create-forwarder';
import type { NewTask } from '../server/tasks/task-record';
import { testLogger } from './helpers/server';

describe('forwarding creates to the server holding the streams', () => {
  it('makes creates here for a while after a forward to an address failed, then tries it again', async () => {
    let now = 1_000_000;
    let reachable = false;
    const forwarder = new CreateForwarder({
      ownerOf: () => '10.0.0.2:7000',
      now: () => now,
      logger: testLogger,
      sender: { createTasks: async () => (reachable ? { handed: new Set<string>(), refused: new Map() } : Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED'))) },
    });
    const tasks: NewTask[] = [];
    assert.equal(forwarder.ownerOf('web-1'), '10.0.0.2:7000');
    assert.equal(await forwarder.create('10.0.0.2:7000', tasks, [], null), null, 'a failed forward: the caller creates here');
    assert.equal(forwarder.ownerOf('web-1'), null, 'the failed address is skipped');
    now += FORWARD_BACKOFF_MS - 1;
    assert.equal(forwarder.ownerOf('web-2'), null);
    now += 1;
    reachable = true;
    assert.equal(forwarder.ownerOf('web-1'), '10.0.0.2:7000', 'tried again once the back-off is over');
    assert.deepEqual(await forwarder.create('10.0.0.2:7000', tasks, [], null), { handed: new Set(), refused: new Map() });
    assert.equal(forwarder.ownerOf('web-1'), '10.0.0.2:7000');
  });
});
