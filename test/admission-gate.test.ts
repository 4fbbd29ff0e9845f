import assert from 'node:assert/strict';
import { AdmissionGate } from '../server/agents/admission-gate';

describe('AdmissionGate', () => {
  it('admits up to maxActive at once, queues up to maxWaiting in arrival order, and refuses the rest', async () => {
    const gate = new AdmissionGate(1, 2);
    const first = await gate.enter();
    assert.ok(first);
    const order: string[] = [];
    const second = gate.enter().then((exit) => (order.push('second'), exit));
    const third = gate.enter().then((exit) => (order.push('third'), exit));
    assert.equal(await gate.enter(), null, 'past the waiting bound: refused');
    assert.equal(gate.queued, 2);
    first();
    first(); // ending twice hands on one place only
    (await second)!();
    (await third)!();
    assert.deepEqual(order, ['second', 'third']);
    assert.equal(gate.queued, 0);
    // Everything ended: a full set of places again.
    const again = await gate.enter();
    assert.ok(again);
    const queuedAgain = gate.enter();
    assert.equal(gate.queued, 1);
    again();
    assert.ok(await queuedAgain);
  });
});
