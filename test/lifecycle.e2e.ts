import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ConsumerSessions } from '../server/consumers/consumer-sessions';
import { ChangeNotifier } from '../server/notifier';
import { openDatabase, type Database } from '../server/store/database';
import { migrateToLatest } from '../server/store/migrate';
import { builtinMethods } from '../server/tasks/method-registry';
import { TaskLifecycle, type HandOffSlot, type RemoteHandOff } from '../server/tasks/lifecycle';
import { STATE_GRAPH, TASK_STATES, type TaskStateName } from '../server/tasks/states';
import type { TaskDraft, TaskRecord } from '../server/tasks/task-record';
import { FakeClock } from './helpers/fake-clock';
import { testLogger } from './helpers/server';
import { createTestStore, STORE_KINDS, type TestStore } from './helpers/stores';

const T0 = Date.parse('2026-06-01T12:00:00Z');
const ABANDON_AFTER_MS = 60_000;

/**
 * The lifecycle against a real store, with no server around it: every
 * transition function is driven, and the edges it wrote are read back from
 * task_events, so the table in states.ts is checked against what the code
 * really writes, on both stores.
 */
for (const kind of STORE_KINDS) {
  describe(`the task lifecycle [${kind}]`, function () {
    let store: TestStore;
    let db: Database;
    let clock: FakeClock;
    let lifecycle: TaskLifecycle;
    let sessions: ConsumerSessions;
    let notifier: ChangeNotifier;

    before(async function () {
      this.timeout(60_000);
      store = await createTestStore(kind);
      db = openDatabase(store.url);
      await migrateToLatest(db);
    });
    beforeEach(() => {
      clock = new FakeClock(T0);
      notifier = new ChangeNotifier();
      lifecycle = new TaskLifecycle({ db: db.knex, dialect: db.dialect, clock, notifier, methods: builtinMethods(), logger: testLogger, settleLingerMs: 0, abandonAfterMs: ABANDON_AFTER_MS });
      sessions = new ConsumerSessions(db.knex, db.dialect, clock, 'lifecycle-test-server');
    });
    after(async function () {
      this.timeout(30_000);
      await db?.close();
      await store?.drop();
    });

    let consumerCount = 0;
    async function consumer(online: boolean): Promise<{ id: string; sessionId: string }> {
      const id = `c-${++consumerCount}`;
      await db.knex('consumers').insert({ id, display_name: id, labels_json: '{}', credential_hash: 'x', create_time: T0 });
      const sessionId = crypto.randomUUID();
      if (online) assert.ok(await sessions.takeOver(id, sessionId));
      return { id, sessionId };
    }

    function draft(consumerId: string, fields: Partial<TaskDraft> = {}): TaskDraft {
      return { id: crypto.randomUUID(), consumerId, method: 'packages.install', argumentsJson: '{"packages":["zsh"]}', labels: {}, idempotencyKey: null, requestHash: null, createTime: clock.now(), notBeforeTime: null, notAfterTime: null, timeoutMs: null, ...fields };
    }

    async function create(consumerId: string, fields: Partial<TaskDraft> = {}): Promise<TaskRecord> {
      return (await lifecycle.create([draft(consumerId, fields)]))[0];
    }

    async function claimOne(c: { id: string; sessionId: string }, canRun = (_m: string) => true): Promise<TaskRecord[]> {
      return (await lifecycle.claim([{ consumerId: c.id, sessionId: c.sessionId, canRun, limit: 10 }])).get(c.id)!.dispatched;
    }

    async function stateOf(taskId: string): Promise<TaskStateName> {
      return (await db.knex('tasks').select('state').where({ id: taskId }).first()).state;
    }

    /** Every from -> to edge written so far, read from the STATE_CHANGED events of each task in order. */
    async function writtenEdges(): Promise<Set<string>> {
      const events = await db.knex('task_events').select('task_id', 'state').where({ type: 'STATE_CHANGED' }).orderBy('id', 'asc');
      const last = new Map<string, string>();
      const edges = new Set<string>();
      for (const e of events) {
        const before = last.get(e.task_id);
        if (before !== undefined) edges.add(`${before} -> ${e.state}`);
        last.set(e.task_id, e.state);
      }
      return edges;
    }

    it('takes every edge of the state graph through its named functions, and no edge the graph lacks', async () => {
      const online = await consumer(true);
      const offline = await consumer(false);

      // release, dispatch (claim), accept, settle: SUCCEEDED
      const scheduled = await create(online.id, { notBeforeTime: T0 + 1000 });
      assert.equal(scheduled.state, TASK_STATES.SCHEDULED);
      clock.advance(1000);
      assert.equal(await lifecycle.releaseDue(), 1);
      const [sent] = await claimOne(online);
      assert.equal(sent.id, scheduled.id);
      assert.equal(await lifecycle.report({ kind: 'accepted', consumerId: online.id, taskId: sent.id }), 'applied');
      assert.equal(await lifecycle.report({ kind: 'reply', consumerId: online.id, taskId: sent.id, resultJson: '{}', error: null }), 'applied');
      assert.equal(await stateOf(sent.id), TASK_STATES.SUCCEEDED);

      // settle from DISPATCHED, each outcome: a reply without "accepted" settles the task
      for (const [error, expected] of [[null, 'SUCCEEDED'], [{ type: 'Boom', message: 'no', detailsJson: '' }, 'FAILED']] as const) {
        const t = await create(online.id);
        await claimOne(online);
        await lifecycle.report({ kind: 'reply', consumerId: online.id, taskId: t.id, resultJson: error ? null : '{}', error });
        assert.equal(await stateOf(t.id), expected);
      }
      // requestCancel then settle CANCELED, from DISPATCHED and from RUNNING
      for (const accept of [false, true]) {
        const t = await create(online.id);
        const [held] = await claimOne(online);
        if (accept) await lifecycle.report({ kind: 'accepted', consumerId: online.id, taskId: t.id });
        assert.equal(await lifecycle.cancel({ ...held, state: accept ? TASK_STATES.RUNNING : TASK_STATES.DISPATCHED }, 'stop'), 'requested');
        await lifecycle.report({ kind: 'reply', consumerId: online.id, taskId: t.id, resultJson: null, error: { type: 'Canceled', message: 'stopped', detailsJson: '' } });
        assert.equal(await stateOf(t.id), TASK_STATES.CANCELED);
      }
      // settle TIMED_OUT from DISPATCHED: the agent's own "TimedOut", without accepted
      const agentTimedOut = await create(online.id, { timeoutMs: 1000 });
      await claimOne(online);
      await lifecycle.report({ kind: 'reply', consumerId: online.id, taskId: agentTimedOut.id, resultJson: null, error: { type: 'TimedOut', message: 'ran too long', detailsJson: '' } });
      assert.equal(await stateOf(agentTimedOut.id), TASK_STATES.TIMED_OUT);
      // RUNNING -> FAILED
      const failing = await create(online.id);
      await claimOne(online);
      await lifecycle.report({ kind: 'accepted', consumerId: online.id, taskId: failing.id });
      await lifecycle.report({ kind: 'reply', consumerId: online.id, taskId: failing.id, resultJson: null, error: { type: 'Boom', message: 'no', detailsJson: '' } });
      assert.equal(await stateOf(failing.id), TASK_STATES.FAILED);

      // refuse: the agent lacks the method
      const unknown = await create(online.id, { method: 'nope.missing', argumentsJson: '{}' });
      assert.deepEqual(await claimOne(online, () => false), []);
      assert.equal(await stateOf(unknown.id), TASK_STATES.FAILED);

      // expire: from SCHEDULED (sweep) and from WAITING (sweep, and at claim time)
      const lateScheduled = await create(offline.id, { notBeforeTime: T0 + 60_000, notAfterTime: T0 + 61_000 });
      const lateWaiting = await create(offline.id, { notAfterTime: clock.now() + 500 });
      clock.advance(120_000);
      assert.equal(await lifecycle.expireOverdue(), 2);
      assert.equal(await stateOf(lateScheduled.id), TASK_STATES.EXPIRED);
      assert.equal(await stateOf(lateWaiting.id), TASK_STATES.EXPIRED);
      const closedAtClaim = await create(online.id, { notAfterTime: clock.now() + 10 });
      clock.advance(10);
      assert.deepEqual(await claimOne(online), []);
      assert.equal(await stateOf(closedAtClaim.id), TASK_STATES.EXPIRED);
      const history = await db.knex('consumer_history').where({ type: 'window_missed' }).whereIn('task_id', [lateScheduled.id, lateWaiting.id, closedAtClaim.id]);
      assert.equal(history.length, 3, 'each expiry is in its consumer history');

      // cancel: from SCHEDULED and WAITING
      for (const fields of [{ notBeforeTime: clock.now() + 3600_000 }, {}]) {
        const t = await create(offline.id, fields);
        assert.equal(await lifecycle.cancel(t, 'no longer wanted'), 'canceled');
        assert.equal(await stateOf(t.id), TASK_STATES.CANCELED);
      }
      // requestCancel of a task whose agent is offline, then abandon: no answer within the deadline, from DISPATCHED and RUNNING
      for (const accept of [false, true]) {
        const c = await consumer(true);
        const t = await create(c.id);
        const [held] = await claimOne(c);
        if (accept) await lifecycle.report({ kind: 'accepted', consumerId: c.id, taskId: t.id });
        await sessions.release(c.id, c.sessionId);
        assert.equal(await lifecycle.cancel({ ...held, state: await stateOf(t.id) }, 'stop'), 'requested', 'a request, not an end: only the agent knows');
        assert.equal(await stateOf(t.id), accept ? TASK_STATES.RUNNING : TASK_STATES.DISPATCHED);
        clock.advance(ABANDON_AFTER_MS - 1);
        assert.equal(await lifecycle.abandonOverdue(), 0, 'not before the deadline');
        clock.advance(1);
        assert.equal(await lifecycle.abandonOverdue(), 1);
        assert.equal(await stateOf(t.id), TASK_STATES.FAILED);
        const row = await db.knex('tasks').where({ id: t.id }).first();
        assert.equal(row.error_type, 'OutcomeUnknown');
        assert.deepEqual((await lifecycle.cancellationsDue([c.id])).map((d) => [d.taskId, d.ended]), [[t.id, true]], 'its agent is still told when it returns');
      }
      // timeOut asks the agent; its "Canceled" then settles RUNNING -> TIMED_OUT
      const slow = await create(online.id, { timeoutMs: 1000 });
      await claimOne(online);
      await lifecycle.report({ kind: 'accepted', consumerId: online.id, taskId: slow.id });
      clock.advance(1000);
      await lifecycle.timeOutOverdue();
      assert.equal(await stateOf(slow.id), TASK_STATES.RUNNING, 'still running until the agent answers');
      assert.equal((await db.knex('tasks').where({ id: slow.id }).first()).cancel_kind, 'timeout');
      await lifecycle.report({ kind: 'reply', consumerId: online.id, taskId: slow.id, resultJson: null, error: { type: 'Canceled', message: 'aborted', detailsJson: '' } });
      assert.equal(await stateOf(slow.id), TASK_STATES.TIMED_OUT);
      assert.equal((await db.knex('tasks').where({ id: slow.id }).first()).error_type, 'TimedOut');

      const graph = new Set(Object.entries(STATE_GRAPH).flatMap(([from, tos]) => tos.map((to) => `${from} -> ${to}`)));
      const written = await writtenEdges();
      assert.deepEqual([...graph].filter((e) => !written.has(e)).sort(), [], 'edges of the graph no function took');
      assert.deepEqual([...written].filter((e) => !graph.has(e)).sort(), [], 'edges written that the graph lacks');
    });

    it('a transition that lost the race writes nothing: no state, no event', async () => {
      const c = await consumer(true);
      const t = await create(c.id, { timeoutMs: 1000 });
      const [held] = await claimOne(c);
      await lifecycle.report({ kind: 'accepted', consumerId: c.id, taskId: t.id });
      await lifecycle.report({ kind: 'reply', consumerId: c.id, taskId: t.id, resultJson: '{}', error: null });
      const eventsBefore = await db.knex('task_events').where({ task_id: t.id }).count({ n: '*' });
      assert.equal(await lifecycle.timeOut(t.id), false, 'the reply won');
      assert.equal(await lifecycle.cancel({ ...held, state: TASK_STATES.RUNNING }, 'too late'), null);
      assert.equal(await lifecycle.resend(held), null, 'a settled task is not sent again');
      assert.equal(await lifecycle.report({ kind: 'reply', consumerId: c.id, taskId: t.id, resultJson: '{}', error: null }), 'duplicate');
      assert.deepEqual(await db.knex('task_events').where({ task_id: t.id }).count({ n: '*' }), eventsBefore);
      assert.equal(await stateOf(t.id), TASK_STATES.SUCCEEDED);
      assert.equal((await db.knex('consumer_history').where({ task_id: t.id })).length, 1, 'history once');

      const scheduled = await create(c.id, { notBeforeTime: clock.now() + 1000 });
      assert.equal(await lifecycle.cancel(scheduled, 'first'), 'canceled');
      clock.advance(1000);
      assert.equal(await lifecycle.releaseDue(), 0, 'a canceled task is not released');
      assert.equal((await db.knex('task_events').where({ task_id: scheduled.id })).length, 2, 'created and canceled, nothing else');
    });

    it('records a reply for an abandoned task as its late outcome, with history, once; the state stays', async () => {
      const c = await consumer(true);
      const t = await create(c.id, { argumentsJson: '{"packages":["zsh","vim"]}' });
      const [held] = await claimOne(c);
      await lifecycle.report({ kind: 'accepted', consumerId: c.id, taskId: t.id });
      assert.equal(await lifecycle.cancel({ ...held, state: TASK_STATES.RUNNING }, 'stop'), 'requested');
      clock.advance(ABANDON_AFTER_MS);
      assert.equal(await lifecycle.abandonOverdue(), 1);
      const result = '{"changed":[{"package":"zsh","action":"install","to":"5.9"}]}';
      assert.equal(await lifecycle.report({ kind: 'reply', consumerId: c.id, taskId: t.id, resultJson: result, error: null }), 'late');
      assert.equal(await lifecycle.report({ kind: 'reply', consumerId: c.id, taskId: t.id, resultJson: result, error: null }), 'duplicate', 'recorded once');
      const row = await db.knex('tasks').where({ id: t.id }).first();
      assert.equal(row.state, TASK_STATES.FAILED);
      assert.equal(JSON.parse(row.late_outcome_json).result_json, result);
      const late = await db.knex('task_events').where({ task_id: t.id, type: 'LATE_OUTCOME' });
      assert.equal(late.length, 1);
      assert.equal(late[0].state, TASK_STATES.FAILED);
      const history = await db.knex('consumer_history').where({ task_id: t.id });
      assert.deepEqual(history.map((h) => h.type), ['packages_installed']);
      assert.deepEqual(JSON.parse(history[0].details_json), {
        method: 'packages.install',
        requested: ['zsh', 'vim'],
        packages: ['zsh'],
        changed: [{ package: 'zsh', action: 'install', to: '5.9' }],
        dry_run: false,
        late: true,
      });
      // A settled task's second reply is a duplicate, not a late outcome.
      const settled = await create(c.id);
      await claimOne(c);
      await lifecycle.report({ kind: 'reply', consumerId: c.id, taskId: settled.id, resultJson: '{}', error: null });
      assert.equal(await lifecycle.report({ kind: 'reply', consumerId: c.id, taskId: settled.id, resultJson: null, error: { type: 'Late', message: 'x', detailsJson: '' } }), 'duplicate');
      assert.equal((await db.knex('tasks').where({ id: settled.id }).first()).late_outcome_json, null);
    });

    it('does not send a task again whose agent was asked to stop it before accepting it', async () => {
      const c = await consumer(true);
      const t = await create(c.id);
      const [held] = await claimOne(c);
      assert.equal(await lifecycle.cancel(held, 'stop'), 'requested');
      assert.equal(await lifecycle.resend(held), null, 'not resent on its stream');
      assert.deepEqual(await lifecycle.redeliver(c.id), [], 'not redelivered on a new one');
      assert.equal(Number((await db.knex('tasks').where({ id: t.id }).first()).attempt), 1, 'no delivery, no attempt');
    });

    it('counts every delivery as an attempt with its own event', async () => {
      const c = await consumer(true);
      const t = await create(c.id);
      const [first] = await claimOne(c);
      assert.equal(first.attempt, 1);
      const again = await lifecycle.resend(first);
      assert.equal(again?.attempt, 2);
      const [third] = await lifecycle.redeliver(c.id);
      assert.equal(third.attempt, 3);
      const row = await db.knex('tasks').select('attempt').where({ id: t.id }).first();
      assert.equal(Number(row.attempt), 3);
      const deliveries = await db.knex('task_events').where({ task_id: t.id }).whereIn('type', ['REDELIVERED']).orWhere((q) => q.where({ task_id: t.id, type: 'STATE_CHANGED', state: 'DISPATCHED' }));
      assert.equal(deliveries.length, 3, 'one event per delivery');
    });

    it('sends again, on a stream still open, what its consumer has in flight that the stream does not hold (a claim whose commit the server did not hear)', async () => {
      const c = await consumer(true);
      const [heldTask, lostTask] = [await create(c.id), await create(c.id)];
      const claimed = await claimOne(c);
      assert.deepEqual(claimed.map((t) => t.id).sort(), [heldTask.id, lostTask.id].sort());
      const again = await lifecycle.redeliverUnheld(c.id, (id) => id === heldTask.id);
      assert.deepEqual(again.map((t) => [t.id, t.attempt]), [[lostTask.id, 2]], 'only the task the stream does not hold, as a new attempt');
      assert.equal((await db.knex('task_events').where({ task_id: heldTask.id, type: 'REDELIVERED' })).length, 0);
      assert.equal((await db.knex('task_events').where({ task_id: lostTask.id, type: 'REDELIVERED' })).length, 1);
    });

    it('hands a new task to a live stream in its creating transaction only when nothing older waits', async () => {
      const c = await consumer(true);
      const sent: TaskRecord[] = [];
      const slot = (): HandOffSlot => ({ sessionId: c.sessionId, send: (task) => sent.push(task), release: () => {} });
      lifecycle.setHandOff({ reserve: () => slot() });
      const first = (await lifecycle.create([draft(c.id)], { handOff: true }))[0];
      assert.equal(first.state, TASK_STATES.DISPATCHED);
      assert.deepEqual(sent.map((t) => t.id), [first.id]);

      const offline = await consumer(false);
      const older = await create(offline.id);
      lifecycle.setHandOff({ reserve: () => ({ ...slot(), sessionId: offline.sessionId }) });
      const newer = (await lifecycle.create([draft(offline.id)], { handOff: true }))[0];
      assert.equal(newer.state, TASK_STATES.WAITING, 'a stream that is not the live one is fenced out');
      assert.equal(await stateOf(older.id), TASK_STATES.WAITING);
      assert.equal(sent.length, 1);
    });

    it('makes a create whose streams are on another server there, and here if that fails, finding what the other server committed (never twice)', async () => {
      const c = await consumer(true);
      // The server holding c's stream: its own lifecycle on the same store, handing off to c's live stream.
      const sent: TaskRecord[] = [];
      const there = new TaskLifecycle({ db: db.knex, dialect: db.dialect, clock, notifier: new ChangeNotifier(), methods: builtinMethods(), logger: testLogger, settleLingerMs: 0 });
      there.setHandOff({ reserve: () => ({ sessionId: c.sessionId, send: (task) => sent.push(task), release: () => {} }) });
      const remote = (answer: 'ok' | 'lost' | 'unreachable'): RemoteHandOff => ({
        ownerOf: () => '10.0.0.2:7000',
        create: async (_owner, tasks, audit) => {
          if (answer === 'unreachable') return null;
          const handed = new Set(await there.createForwarded(tasks, audit));
          return answer === 'ok' ? { handed, refused: new Map() } : null;
        },
      });
      const countOf = async (ids: string[]) => Number((await db.knex('tasks').whereIn('id', ids).count({ n: '*' }))[0].n);

      lifecycle.setHandOff({ reserve: () => null }, remote('ok'));
      const [handed] = await lifecycle.create([draft(c.id)], { handOff: true });
      assert.equal(handed.state, TASK_STATES.DISPATCHED, 'the other server handed it to the stream in the creating transaction');
      assert.equal(await stateOf(handed.id), TASK_STATES.DISPATCHED);
      assert.deepEqual(sent.map((t) => t.id), [handed.id]);

      // Committed there, but the answer was lost: created here under the same ids, which find them.
      lifecycle.setHandOff({ reserve: () => null }, remote('lost'));
      const drafts = [draft(c.id), draft(c.id)];
      const found = await lifecycle.create(drafts, { handOff: true });
      assert.deepEqual(found.map((t) => t.id), drafts.map((d) => d.id));
      assert.equal(await countOf(drafts.map((d) => d.id)), 2);
      const createdEvents = await db.knex('task_events').whereIn('task_id', drafts.map((d) => d.id)).andWhere({ type: 'STATE_CHANGED', state: TASK_STATES.WAITING });
      assert.equal(createdEvents.length, 2, 'one "created" event each: nothing was written twice');

      // Not created there at all: created here, WAITING for the stream's server to claim it.
      lifecycle.setHandOff({ reserve: () => null }, remote('unreachable'));
      const [here] = await lifecycle.create([draft(c.id)], { handOff: true });
      assert.equal(here.state, TASK_STATES.WAITING);
      assert.equal(await countOf([here.id]), 1);

      // A create with writes of its own (a rollout's group row) is never forwarded.
      let asked = 0;
      lifecycle.setHandOff({ reserve: () => null }, { ownerOf: () => '10.0.0.2:7000', create: async () => (asked++, null) });
      await lifecycle.create([draft(c.id)], { handOff: true, alsoWrite: async () => {} });
      assert.equal(asked, 0);
    });

    it('settles a reply the store refuses FAILED (ReplyUnrecordable) alone: the other reports of its batch are recorded', async () => {
      // A success hook that writes its history row twice breaks the unique key (task_id, type) on both stores.
      const methods = builtinMethods().register('testing.broken', {
        onSuccess: (t) => [1, 2].map(() => ({ consumerId: t.consumerId, type: 'broken', eventTime: t.settleTime, taskId: t.id, detailsJson: '{}' })),
      });
      lifecycle = new TaskLifecycle({ db: db.knex, dialect: db.dialect, clock, notifier, methods, logger: testLogger, settleLingerMs: 20 });
      const c = await consumer(true);
      const broken = await create(c.id, { method: 'testing.broken', argumentsJson: '{}' });
      const fine = [await create(c.id, { method: 'testing.echo', argumentsJson: '{}' }), await create(c.id, { method: 'testing.echo', argumentsJson: '{}' })];
      await claimOne(c);
      const outcomes = await Promise.all([broken, ...fine].map((t) => lifecycle.report({ kind: 'reply', consumerId: c.id, taskId: t.id, resultJson: '{}', error: null })));
      assert.deepEqual(outcomes, ['applied', 'applied', 'applied']);
      for (const t of fine) assert.equal(await stateOf(t.id), TASK_STATES.SUCCEEDED);
      const row = await db.knex('tasks').where({ id: broken.id }).first();
      assert.equal(row.state, TASK_STATES.FAILED);
      assert.equal(row.error_type, 'ReplyUnrecordable');
    });

    it('publishes wake-ups only after the commit, and none for a transaction that rolled back', async () => {
      const c = await consumer(false);
      const woken: string[] = [];
      notifier.onConsumerWork((id) => woken.push(id));
      await assert.rejects(
        lifecycle.transaction(async (tx) => {
          await tx.create([draft(c.id)]);
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.deepEqual(woken, []);
      assert.equal((await db.knex('tasks').where({ consumer_id: c.id })).length, 0);
      await create(c.id);
      assert.deepEqual(woken, [c.id]);
    });
  });
}
