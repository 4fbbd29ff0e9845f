import assert from 'node:assert/strict';
import { isTerminal, STATE_GRAPH, TASK_STATES, TERMINAL_STATES, TRANSITIONS, type TaskStateName } from '../server/tasks/states';

const ALL = Object.values(TASK_STATES) as TaskStateName[];

/** Every from -> to edge the named transitions can write (a 'same' transition writes none). */
function edgesOfTransitions(): Set<string> {
  const edges = new Set<string>();
  for (const { from, to } of Object.values(TRANSITIONS)) {
    if (to === 'same') continue;
    for (const f of from) for (const t of to) edges.add(`${f} -> ${t}`);
  }
  return edges;
}

function edgesOfGraph(): Set<string> {
  return new Set(ALL.flatMap((from) => STATE_GRAPH[from].map((to) => `${from} -> ${to}`)));
}

describe('task state machine', () => {
  it('never leaves a terminal state: only lateOutcome records on one, without moving', () => {
    for (const from of TERMINAL_STATES) assert.deepEqual(STATE_GRAPH[from], [], from);
    for (const [name, { from, to }] of Object.entries(TRANSITIONS)) {
      for (const f of from) if (isTerminal(f)) assert.ok(name === 'lateOutcome' && to === 'same', `${name} leaves terminal ${f}`);
    }
    assert.deepEqual(TRANSITIONS.lateOutcome, { from: ['FAILED'], to: 'same' });
  });

  it('ends a task an agent holds only by its reply, or FAILED when the reply never comes or it was never accepted', () => {
    const fromHeld = Object.entries(TRANSITIONS).filter(([, { from, to }]) => to !== 'same' && from.some((f) => f === 'DISPATCHED' || f === 'RUNNING'));
    const ending = fromHeld.filter(([, { to }]) => to !== 'same' && to.some((t) => isTerminal(t)));
    assert.deepEqual(ending.map(([name]) => name).sort(), ['abandon', 'notAccepted', 'settle']);
    assert.deepEqual(TRANSITIONS.notAccepted.from, ['DISPATCHED'], 'only a task its agent never accepted, so never started');
    assert.deepEqual(TRANSITIONS.abandon.to, ['FAILED'], 'abandon never claims CANCELED or TIMED_OUT: the outcome is unknown');
    assert.equal(TRANSITIONS.timeOut.to, 'same', 'a timeout asks the agent; its reply ends the task');
    assert.equal(TRANSITIONS.requestCancel.to, 'same');
  });

  it('takes the normal path SCHEDULED -> WAITING -> DISPATCHED -> RUNNING -> SUCCEEDED', () => {
    const graph = edgesOfGraph();
    for (const edge of ['SCHEDULED -> WAITING', 'WAITING -> DISPATCHED', 'DISPATCHED -> RUNNING', 'RUNNING -> SUCCEEDED']) assert.ok(graph.has(edge), edge);
  });

  it('never starts a task that was not due or not dispatched, and never expires a started one', () => {
    const graph = edgesOfGraph();
    for (const edge of ['SCHEDULED -> RUNNING', 'WAITING -> RUNNING', 'SCHEDULED -> DISPATCHED', 'RUNNING -> EXPIRED', 'DISPATCHED -> EXPIRED']) assert.ok(!graph.has(edge), edge);
  });

  it('every edge of the graph is taken by a named transition, and no transition writes an edge the graph lacks', () => {
    const byTransitions = edgesOfTransitions();
    const graph = edgesOfGraph();
    assert.deepEqual([...graph].filter((e) => !byTransitions.has(e)), [], 'edges no transition takes');
    assert.deepEqual([...byTransitions].filter((e) => !graph.has(e)), [], 'edges the graph lacks');
  });

  it('every state but SCHEDULED and WAITING (the states create writes) is entered by some transition', () => {
    const entered = new Set([...edgesOfTransitions()].map((e) => e.split(' -> ')[1]));
    for (const state of ALL.filter((s) => s !== 'SCHEDULED' && s !== 'WAITING')) assert.ok(entered.has(state), state);
  });
});
