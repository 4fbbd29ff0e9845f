import assert from 'node:assert/strict';
import { call } from '../client/client';
import { FakeAgent } from './helpers/fake-agent';
import { describeOnEachStore, eventually, type TestServer } from './helpers/server';

/** One scrape of /metrics: every sample by its name and labels, as Prometheus would read it. */
type Samples = Map<string, number>;

async function scrape(t: TestServer): Promise<Samples> {
  // A scrape needs an API token, as any read of tasks does.
  const res = await fetch(`http://127.0.0.1:${t.server.httpPort}/metrics`, { headers: { authorization: `Bearer ${t.token}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const samples: Samples = new Map();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    assert.ok(m, `a sample line: ${line}`);
    samples.set(m[1], Number(m[2]));
  }
  return samples;
}

const value = (s: Samples, key: string) => s.get(key) ?? 0;

/** Waits until every sample named in `expected` moved by exactly that much since `before`. */
async function moved(t: TestServer, before: Samples, expected: Record<string, number>): Promise<Samples> {
  let last: Samples = new Map();
  try {
    return await eventually('the metrics to move', async () => {
      last = await scrape(t);
      return Object.entries(expected).every(([key, delta]) => value(last, key) - value(before, key) === delta) && last;
    });
  } catch (err) {
    const seen = Object.keys(expected).map((key) => `${key}: ${value(last, key) - value(before, key)} (expected ${expected[key]})`);
    throw new Error(`${(err as Error).message}\n  ${seen.join('\n  ')}`);
  }
}

describeOnEachStore(
  'metrics on /metrics',
  (ctx) => {
    const credentials = new Map<string, string>();
    before(async () => {
      for (const id of ['metrics-1', 'metrics-2', 'metrics-offline']) credentials.set(id, (await call(ctx().clients.consumers, 'registerConsumer', { consumerId: id })).credential);
    });

    it('count a real task from creation to settlement: created, settled by state and method, its stages, reports and batches', async () => {
      const before = await scrape(ctx());
      const agent = new FakeAgent(ctx().address, 'metrics-1', credentials.get('metrics-1')!);
      try {
        await agent.next('welcome', (m) => Boolean(m.welcome));
        await moved(ctx(), before, { taskplane_agent_connects_total: 1, taskplane_agent_streams: 1 });
        const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: 'metrics-1', method: 'testing.echo', argumentsJson: '{"n":1}' });
        const request = await agent.taskRequest();
        assert.equal(request.taskId, task!.id);
        agent.send({ accepted: { taskId: task!.id } });
        agent.send({ reply: { taskId: task!.id, resultJson: '{"n":1}' } });
        await agent.next('reply ack', (m) => m.replyAck?.taskId === task!.id);
        // A repeated reply, and one for a task nobody knows.
        agent.send({ reply: { taskId: task!.id, resultJson: '{"n":1}' } });
        await agent.next('ack of the duplicate', (m) => m.replyAck?.taskId === task!.id);
        agent.send({ reply: { taskId: '00000000-0000-4000-8000-000000000000', resultJson: '{}' } });
        await agent.next('ack of the unknown', (m) => m.replyAck?.taskId === '00000000-0000-4000-8000-000000000000');

        const after = await moved(ctx(), before, {
          taskplane_tasks_created_total: 1,
          'taskplane_tasks_settled_total{state="SUCCEEDED",method="testing.echo"}': 1,
          taskplane_task_create_to_dispatch_seconds_count: 1,
          taskplane_task_dispatch_to_running_seconds_count: 1,
          taskplane_task_running_to_settled_seconds_count: 1,
          taskplane_task_create_to_settled_seconds_count: 1,
          'taskplane_agent_reports_total{kind="accepted"}': 1,
          'taskplane_agent_reports_total{kind="reply"}': 1,
          'taskplane_agent_reports_total{kind="duplicate"}': 1,
          'taskplane_agent_reports_total{kind="unknown"}': 1,
          taskplane_create_batch_tasks_count: 1,
          taskplane_create_batch_tasks_sum: 1,
          taskplane_create_transaction_seconds_count: 1,
        });
        assert.ok(value(after, 'taskplane_settlement_batch_reports_count') > value(before, 'taskplane_settlement_batch_reports_count'));
        assert.ok(value(after, 'taskplane_settlement_transaction_seconds_sum') > value(before, 'taskplane_settlement_transaction_seconds_sum'));
        assert.ok(value(after, 'taskplane_task_create_to_settled_seconds_sum') - value(before, 'taskplane_task_create_to_settled_seconds_sum') < 60, 'seconds, not milliseconds');
      } finally {
        agent.close();
      }
      await moved(ctx(), before, { 'taskplane_agent_disconnects_total{reason="disconnected"}': 1, taskplane_agent_streams: 0 });
    });

    it("count a stream the server ends by its reason, and a foreign agent's report", async () => {
      const before = await scrape(ctx());
      const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: 'metrics-offline', method: 'testing.echo' });
      const first = new FakeAgent(ctx().address, 'metrics-2', credentials.get('metrics-2')!);
      await first.next('welcome', (m) => Boolean(m.welcome));
      first.send({ reply: { taskId: task!.id, resultJson: '{}' } });
      const second = new FakeAgent(ctx().address, 'metrics-2', credentials.get('metrics-2')!);
      try {
        await second.next('welcome', (m) => Boolean(m.welcome));
        await first.closed();
        await moved(ctx(), before, { 'taskplane_agent_reports_total{kind="foreign"}': 1, 'taskplane_agent_disconnects_total{reason="replaced"}': 1, taskplane_agent_connects_total: 2 });
      } finally {
        first.close();
        second.close();
      }
    });

    it('count tasks that end without their agent (canceled) by state and method', async () => {
      const before = await scrape(ctx());
      const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: 'metrics-offline', method: 'packages.update' });
      await call(ctx().clients.tasks, 'cancelTask', { taskId: task!.id });
      await moved(ctx(), before, { 'taskplane_tasks_settled_total{state="CANCELED",method="packages.update"}': 1 });
    });

    it('time the release of a SCHEDULED task and the fires of a schedule, by outcome', async () => {
      const before = await scrape(ctx());
      await call(ctx().clients.tasks, 'createTask', { consumerId: 'metrics-offline', method: 'testing.echo', notBeforeTime: { seconds: String(Math.floor(Date.now() / 1000) + 1) } });
      const { schedule } = await call(ctx().clients.schedules, 'createSchedule', {
        spec: { cron: '* * * * * *', timeZone: 'UTC', taskTemplate: { method: 'testing.echo' }, target: { consumerSelector: ['nobody=here'] } },
      });
      try {
        const after = await eventually('a release and an empty fire', async () => {
          const s = await scrape(ctx());
          return value(s, 'taskplane_task_release_lag_seconds_count') > value(before, 'taskplane_task_release_lag_seconds_count') && value(s, 'taskplane_schedule_fires_total{outcome="empty_selection"}') > 0 && s;
        });
        assert.ok(value(after, 'taskplane_schedule_fire_lag_seconds_count') > value(before, 'taskplane_schedule_fire_lag_seconds_count'));
        assert.ok(value(after, 'taskplane_task_release_lag_seconds_sum') - value(before, 'taskplane_task_release_lag_seconds_sum') < 5, 'released within seconds of its not_before');
      } finally {
        await call(ctx().clients.schedules, 'deleteSchedule', { scheduleId: schedule!.id });
      }
    });

    it('count unfinished tasks by state from the database with one grouped count per cache period, however many scrape', async () => {
      for (let i = 0; i < 2; i++) await call(ctx().clients.tasks, 'createTask', { consumerId: 'metrics-offline', method: 'testing.echo' });
      await call(ctx().clients.tasks, 'createTask', { consumerId: 'metrics-offline', method: 'testing.echo', notBeforeTime: { seconds: String(Math.floor(Date.now() / 1000) + 3600) } });
      // What the gauge must show, read through the API (earlier tests left unfinished tasks too).
      const inState = async (state: 'TASK_STATE_WAITING' | 'TASK_STATE_SCHEDULED') => (await call(ctx().clients.tasks, 'listTasks', { states: [state], pageSize: 1000 })).tasks.length;
      const expected = { 'taskplane_tasks_unfinished{state="WAITING"}': await inState('TASK_STATE_WAITING'), 'taskplane_tasks_unfinished{state="SCHEDULED"}': await inState('TASK_STATE_SCHEDULED') };
      assert.ok(expected['taskplane_tasks_unfinished{state="WAITING"}'] >= 2);
      await moved(ctx(), new Map(), expected);

      // Every scrape within the cache period is answered from one count.
      let counts = 0;
      const onQuery = (q: { sql: string }) => {
        if (/count\(\*\).*group by [`"]state[`"]$/i.test(q.sql)) counts++;
      };
      const { knex } = ctx().server.db;
      knex.on('query', onQuery);
      try {
        const scrapes = await Promise.all(Array.from({ length: 10 }, () => scrape(ctx())));
        for (let i = 0; i < 10; i++) scrapes.push(await scrape(ctx()));
        for (const s of scrapes) for (const state of ['SCHEDULED', 'WAITING', 'DISPATCHED', 'RUNNING']) assert.ok(s.has(`taskplane_tasks_unfinished{state="${state}"}`), state);
      } finally {
        knex.off('query', onQuery);
      }
      // One per period (2 s); two if a period ended while they ran. Without the cache it would be 20.
      assert.ok(counts <= 2, `20 scrapes ran ${counts} grouped counts`);
    });

    it('show the database pool, the event-loop lag and the default process metrics', async () => {
      const s = await scrape(ctx());
      for (const name of ['taskplane_database_pool_used_connections', 'taskplane_database_pool_free_connections', 'taskplane_database_pool_pending_acquires', 'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds', 'process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes']) {
        assert.ok(s.has(name), `${name} is exported`);
      }
    });
  },
  { httpListen: '127.0.0.1:0', metricsCacheMs: 2000 },
);
