import assert from 'node:assert/strict';
import { canTransition, isTerminal, statesAllowedInto, TASK_STATES, TERMINAL_STATES, type TaskStateName } from '../server/tasks/states';

const ALL = Object.values(TASK_STATES) as TaskStateName[];

describe('task state machine', () => {
  it('never leaves a terminal state', () => {
    for (const from of TERMINAL_STATES) for (const to of ALL) assert.equal(canTransition(from, to), false, `${from} -> ${to}`);
  });

  it('follows MISSION.md: SCHEDULED -> WAITING -> DISPATCHED -> RUNNING -> SUCCEEDED', () => {
    assert.ok(canTransition('SCHEDULED', 'WAITING'));
    assert.ok(canTransition('WAITING', 'DISPATCHED'));
    assert.ok(canTransition('DISPATCHED', 'RUNNING'));
    assert.ok(canTransition('RUNNING', 'SUCCEEDED'));
  });

  it('never starts a task that was not due or not dispatched', () => {
    assert.equal(canTransition('SCHEDULED', 'RUNNING'), false);
    assert.equal(canTransition('WAITING', 'RUNNING'), false);
    assert.equal(canTransition('SCHEDULED', 'DISPATCHED'), false);
  });

  it('never expires a task that has started', () => {
    assert.equal(canTransition('RUNNING', 'EXPIRED'), false);
  });

  it('derives the WHERE clause of each guarded update from the same table', () => {
    assert.deepEqual(statesAllowedInto('WAITING').sort(), ['DISPATCHED', 'RUNNING', 'SCHEDULED']);
    assert.deepEqual(statesAllowedInto('SCHEDULED'), []);
    for (const to of ALL) for (const from of statesAllowedInto(to)) assert.ok(!isTerminal(from));
  });
});
