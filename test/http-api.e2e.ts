import assert from 'node:assert/strict';
import { request } from 'node:http';
import { call } from '../client/client';
import { UnauthenticatedError } from '../server/errors';
import type { Authorize, Permission } from '../server/http/authorize';
import { Caller, UNSCOPED } from '../server/security/principal';
import { describeOnEachStore, eventually, type TestServer } from './helpers/server';

/** What the authorization hook was asked, in order (see the server options below). */
const asked: Permission[] = [];

/** Stands in for the token authorizer: records each check, refuses requests marked x-test-deny, and acts as an admin otherwise. */
const recordingAuthorize: Authorize = async (request, permissions, body) => {
  asked.push(...permissions);
  if (request.headers['x-test-deny']) throw new UnauthenticatedError('no token (test)');
  const admin = { kind: 'token' as const, id: 'tok_test', name: 'test', role: 'admin' as const, scope: UNSCOPED, expireTime: null };
  return body(new Caller(admin, { peer: 'test', rpc: permissions[0], action: 'test', certificateSubject: '' }));
};

interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

async function http(t: TestServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${t.server.httpPort}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text && res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text, headers: res.headers };
}

function refused(answer: Answer, status: number, code: string, message: RegExp): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.equal(answer.body.error.code, code);
  assert.match(answer.body.error.message, message);
}

/** GET /api/consumers with a Host header of our choosing (fetch does not let one be set). */
function withHost(t: TestServer, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: t.server.httpPort!, path: '/api/consumers', headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function taskCount(t: TestServer): Promise<number> {
  const [{ n }] = await t.server.db.knex('tasks').count({ n: '*' });
  return Number(n);
}

/** A live view (Server-Sent Events) read with fetch, as the console reads it. */
async function openLive(t: TestServer, path: string) {
  const abort = new AbortController();
  const res = await fetch(`http://127.0.0.1:${t.server.httpPort}/api/live${path}`, { signal: abort.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const events: Array<{ event: string; data: any }> = [];
  return {
    /** The next event matching `predicate` (earlier ones are dropped), within the deadline. */
    async next(what: string, predicate: (e: { event: string; data: any }) => boolean, deadlineMs = 10_000) {
      const deadline = Date.now() + deadlineMs;
      for (;;) {
        while (events.length) {
          const e = events.shift()!;
          if (predicate(e)) return e;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for ${what}`);
        let timer: NodeJS.Timeout | undefined;
        const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), left)))]);
        clearTimeout(timer);
        if (chunk === null) continue;
        if (chunk.done) throw new Error(`the stream ended while waiting for ${what}`);
        buffer += chunk.value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    },
    close() {
      abort.abort();
      reader.cancel().catch(() => {});
    },
  };
}

describeOnEachStore(
  'the HTTP listener and the console API',
  (ctx) => {
    before(async () => {
      await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'api-web-1', labels: { role: 'web', zone: 'eu' }, displayName: 'Web 1' });
      await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'api-web-2', labels: { role: 'web', zone: 'us' } });
      await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'api-db-1', labels: { role: 'db' } });
    });

    describe('health', () => {
      it('/healthz answers while the process is up; /readyz is ready with the database answering and the schema current', async () => {
        const health = await http(ctx(), 'GET', '/healthz');
        assert.equal(health.status, 200);
        assert.deepEqual(health.body, { status: 'ok' });
        const ready = await http(ctx(), 'GET', '/readyz');
        assert.equal(ready.status, 200);
        assert.deepEqual(ready.body, { ready: true, checks: { database: 'answering', migrations: 'current' } });
      });

      it('/readyz is 503 naming the pending migrations when the schema is older than the code', async () => {
        const { knex } = ctx().server.db;
        const newest = await knex('knex_migrations').orderBy('name', 'desc').first();
        await knex('knex_migrations').where({ id: newest.id }).delete();
        try {
          const answer = await http(ctx(), 'GET', '/readyz');
          assert.equal(answer.status, 503);
          assert.equal(answer.body.ready, false);
          assert.match(answer.body.checks.migrations, new RegExp(`^1 pending \\(${newest.name}\\); run taskplane migrate$`));
        } finally {
          await knex('knex_migrations').insert(newest);
        }
        assert.equal((await http(ctx(), 'GET', '/readyz')).status, 200);
      });

      it('refuses a Host that is not a loopback name on a loopback listener (DNS rebinding), and unknown routes', async () => {
        const evil = await withHost(ctx(), 'evil.example');
        assert.equal(evil.status, 403);
        assert.match(evil.body, /"code":"PERMISSION_DENIED".*serves only localhost, not \\"evil.example\\"/);
        assert.equal((await withHost(ctx(), `localhost:${ctx().server.httpPort}`)).status, 200);
        refused(await http(ctx(), 'GET', '/api/nothing'), 404, 'NOT_FOUND', /no such API route/);
        const wrongMethod = await http(ctx(), 'DELETE', '/api/tasks');
        refused(wrongMethod, 405, 'UNIMPLEMENTED', /DELETE is not allowed/);
        assert.equal(wrongMethod.headers.get('allow'), 'GET, POST');
        refused(await http(ctx(), 'GET', '/etc/passwd'), 404, 'NOT_FOUND', /no such page/);
        refused(await http(ctx(), 'GET', '/console/../../package.json'), 404, 'NOT_FOUND', /no such page/);
      });

      it('serves the console: its page, modules and styles from this server only', async () => {
        const page = await http(ctx(), 'GET', '/');
        assert.equal(page.status, 200);
        assert.match(page.headers.get('content-type')!, /^text\/html/);
        assert.match(page.body, /<script type="module" src="\/console\/app\.js"><\/script>/);
        assert.match(page.headers.get('content-security-policy')!, /script-src 'self'/);
        const app = await http(ctx(), 'GET', '/console/app.js');
        assert.match(app.headers.get('content-type')!, /^text\/javascript/);
        assert.match((await http(ctx(), 'GET', '/console/pages/fleet.js')).body, /export function render/);
      });
    });

    describe('consumers', () => {
      it('lists consumers with their unfinished work, filtered by a label selector', async () => {
        await call(ctx().clients.tasks, 'createTask', { consumerId: 'api-db-1', method: 'system.info' });
        const all = await http(ctx(), 'GET', '/api/consumers');
        assert.equal(all.status, 200);
        const db = all.body.consumers.find((c: any) => c.id === 'api-db-1');
        assert.deepEqual({ online: db.online, labels: db.labels, waiting: db.unfinished.WAITING, last_seen_time: db.last_seen_time }, { online: false, labels: { role: 'db' }, waiting: 1, last_seen_time: null });
        const web = await http(ctx(), 'GET', '/api/consumers?label_selector=role%3Dweb&label_selector=zone%3Deu');
        assert.deepEqual(web.body.consumers.map((c: any) => [c.id, c.display_name]), [['api-web-1', 'Web 1']]);
        refused(await http(ctx(), 'GET', `/api/consumers?label_selector=${encodeURIComponent('role in web')}`), 400, 'INVALID_ARGUMENT', /^label_selector\[0\]: "role in web" is not a selector term \(/);
        refused(await http(ctx(), 'GET', '/api/consumers/Not%20An%20Id'), 400, 'INVALID_ARGUMENT', /^consumer_id: /);
        refused(await http(ctx(), 'GET', '/api/consumers/nobody'), 404, 'NOT_FOUND', /^consumer_id: consumer "nobody" not found$/);
      });
    });

    describe('tasks', () => {
      it('creates a task as CreateTask does, with the caller\'s traceparent, and reads it with its events', async () => {
        const trace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
        const created = await http(ctx(), 'POST', '/api/tasks', { consumer_id: 'api-web-1', method: 'packages.install', arguments_json: '{"packages":["zsh"]}', labels: { change: 'CHG-7' }, timeout_duration: '600s' }, { traceparent: trace });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        const { task } = created.body;
        assert.deepEqual({ state: task.state, consumer: task.consumer_id, labels: task.labels, timeout: task.timeout_duration, trace: task.traceparent }, { state: 'WAITING', consumer: 'api-web-1', labels: { change: 'CHG-7' }, timeout: '600s', trace });
        const viaGrpc = (await call(ctx().clients.tasks, 'getTask', { taskId: task.id })).task!;
        assert.deepEqual(JSON.parse(viaGrpc.argumentsJson), { packages: ['zsh'] });
        assert.equal(viaGrpc.traceparent, trace);
        const read = await http(ctx(), 'GET', `/api/tasks/${task.id}`);
        assert.equal(read.body.task.id, task.id);
        assert.deepEqual(read.body.events.map((e: any) => [e.type, e.state, e.cause]), [['STATE_CHANGED', 'WAITING', 'created']]);
        refused(await http(ctx(), 'GET', '/api/tasks/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND', /^task_id: task "00000000-0000-4000-8000-000000000000" not found$/);
      });

      it('refuses bad input naming the field, as the gRPC API does, and writes nothing', async () => {
        const before = await taskCount(ctx());
        const cases: Array<[unknown, number, string, RegExp, Record<string, string>?]> = [
          [{ consumer_id: 'api-web-1', method: 'install' }, 400, 'INVALID_ARGUMENT', /^method: "install" is not of the form class\.method/],
          [{ consumer_id: 'api-web-1', method: 'a.b', arguments_json: '[1]' }, 400, 'INVALID_ARGUMENT', /^arguments_json: must be a JSON object, got an array$/],
          [{ consumer_id: 'nobody', method: 'a.b' }, 404, 'NOT_FOUND', /^consumer_id: consumer "nobody" not found$/],
          [{ consumer_id: 'api-web-1', method: 'a.b', not_before_time: 'tomorrow' }, 400, 'INVALID_ARGUMENT', /^not_before_time: "tomorrow" is not an RFC 3339 time/],
          [{ consumer_id: 'api-web-1', method: 'a.b', not_after_time: '2020-01-01T00:00:00Z' }, 400, 'INVALID_ARGUMENT', /^not_after_time: is in the past/],
          [{ consumer_id: 'api-web-1', method: 'a.b', timeout_duration: '10m' }, 400, 'INVALID_ARGUMENT', /^timeout_duration: "10m" is not a duration like "600s"$/],
          [{ consumer_id: 'api-web-1', method: 'a.b', timeout_duration: '0.5s' }, 400, 'INVALID_ARGUMENT', /^timeout_duration: must be at least 1s/],
          [{ consumer_id: 'api-web-1', method: 'a.b', labels: { n: 1 } }, 400, 'INVALID_ARGUMENT', /^labels\["n"\]: must be a string, got number$/],
          [{ consumer_id: 'api-web-1', method: 'a.b', color: 'red' }, 400, 'INVALID_ARGUMENT', /^color: is not a field of this request/],
          [{ consumer_id: 'api-web-1', method: 7 }, 400, 'INVALID_ARGUMENT', /^method: must be a string, got number$/],
          [{ consumer_id: 'api-web-1', consumer_selector: ['role=web'], method: 'a.b' }, 400, 'INVALID_ARGUMENT', /^consumer_id: give consumer_id or consumer_selector, not both$/],
          [{ consumer_selector: ['role in web'], method: 'a.b' }, 400, 'INVALID_ARGUMENT', /^consumer_selector\[0\]: "role in web" is not a selector term \(/],
          [{ consumer_id: 'api-web-1', method: 'a.b' }, 400, 'INVALID_ARGUMENT', /^traceparent: "nope" is not a W3C traceparent/, { traceparent: 'nope' }],
          ['{"consumer_id": ', 400, 'INVALID_ARGUMENT', /^body: is not valid JSON/],
          ['[]', 400, 'INVALID_ARGUMENT', /^body: must be a JSON object$/],
        ];
        for (const [body, status, code, message, headers] of cases) refused(await http(ctx(), 'POST', '/api/tasks', body, headers), status, code, message);
        const notJson = await fetch(`http://127.0.0.1:${ctx().server.httpPort}/api/tasks`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'consumer_id=api-web-1&method=a.b' });
        assert.equal(notJson.status, 415, 'a form post from another site is refused');
        assert.equal(await taskCount(ctx()), before);
      });

      it('lists tasks newest first with the filters of ListTasks, refusing bad ones by name', async () => {
        const a = (await http(ctx(), 'POST', '/api/tasks', { consumer_id: 'api-web-2', method: 'system.info' })).body.task;
        const b = (await http(ctx(), 'POST', '/api/tasks', { consumer_id: 'api-web-2', method: 'packages.update', labels: { team: 'infra' } })).body.task;
        const mine = await http(ctx(), 'GET', '/api/tasks?consumer_id=api-web-2');
        assert.deepEqual(mine.body.tasks.map((t: any) => t.id), [b.id, a.id]);
        assert.equal(mine.body.tasks[0].arguments_json, '', 'the list leaves the large fields out, as ListTasks BASIC');
        assert.deepEqual((await http(ctx(), 'GET', '/api/tasks?consumer_id=api-web-2&method=system.info')).body.tasks.map((t: any) => t.id), [a.id]);
        assert.deepEqual((await http(ctx(), 'GET', '/api/tasks?consumer_id=api-web-2&label_selector=team%3Dinfra')).body.tasks.map((t: any) => t.id), [b.id]);
        assert.deepEqual((await http(ctx(), 'GET', '/api/tasks?consumer_id=api-web-2&states=SUCCEEDED')).body.tasks, []);
        assert.equal((await http(ctx(), 'GET', `/api/tasks?consumer_id=api-web-2&create_time_from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.tasks.length, 0);
        const paged = await http(ctx(), 'GET', '/api/tasks?consumer_id=api-web-2&page_size=1');
        assert.ok(paged.body.next_page_token);
        const second = await http(ctx(), 'GET', `/api/tasks?consumer_id=api-web-2&page_size=1&page_token=${encodeURIComponent(paged.body.next_page_token)}`);
        assert.deepEqual(second.body.tasks.map((t: any) => t.id), [a.id]);
        refused(await http(ctx(), 'GET', '/api/tasks?states=BORED'), 400, 'INVALID_ARGUMENT', /^states\[0\]: "BORED" is not a known task state$/);
        refused(await http(ctx(), 'GET', '/api/tasks?states=WAITING&states=WAITING'), 400, 'INVALID_ARGUMENT', /^states\[1\]: WAITING is listed twice$/);
        refused(await http(ctx(), 'GET', '/api/tasks?method=x'), 400, 'INVALID_ARGUMENT', /^method: "x" is not of the form class\.method$/);
        refused(await http(ctx(), 'GET', '/api/tasks?create_time_from=2026-01-02T00:00:00Z&create_time_to=2026-01-01T00:00:00Z'), 400, 'INVALID_ARGUMENT', /^create_time_to: is before create_time_from$/);
        refused(await http(ctx(), 'GET', '/api/tasks?page_size=5000'), 400, 'INVALID_ARGUMENT', /^page_size: must be at most 1000/);
        refused(await http(ctx(), 'GET', '/api/tasks?consumer_id=api-web-1&page_token=' + encodeURIComponent(paged.body.next_page_token)), 400, 'INVALID_ARGUMENT', /^page_token: was issued for a request with different filters/);
      });

      it('cancels a task as CancelTask does: at once if no agent holds it, and not twice', async () => {
        const task = (await http(ctx(), 'POST', '/api/tasks', { consumer_id: 'api-db-1', method: 'system.info' })).body.task;
        refused(await http(ctx(), 'POST', `/api/tasks/${task.id}/cancel`, { reason: 'x'.repeat(201) }), 400, 'INVALID_ARGUMENT', /^reason: is longer than 200 characters$/);
        const canceled = await http(ctx(), 'POST', `/api/tasks/${task.id}/cancel`, { reason: 'window moved' });
        assert.equal(canceled.status, 200);
        assert.equal(canceled.body.task.state, 'CANCELED');
        assert.equal((await call(ctx().clients.tasks, 'getTask', { taskId: task.id })).task!.error!.message, 'canceled: window moved');
        refused(await http(ctx(), 'POST', `/api/tasks/${task.id}/cancel`, {}), 400, 'FAILED_PRECONDITION', /has already ended \(CANCELED\)/);
      });
    });

    describe('groups', () => {
      it('creates a group for a selector, shows its progress by state, and cancels it', async () => {
        const created = await http(ctx(), 'POST', '/api/tasks', { consumer_selector: ['role=web'], method: 'packages.update', arguments_json: '{"dry_run":true}' });
        assert.equal(created.status, 200, JSON.stringify(created.body));
        assert.deepEqual(created.body.tasks.map((t: any) => t.consumer_id), ['api-web-1', 'api-web-2']);
        const groupId = created.body.group_id;
        const recent = await http(ctx(), 'GET', '/api/groups');
        const listed = recent.body.groups.find((g: any) => g.group_id === groupId);
        assert.deepEqual({ method: listed.method, total: listed.total, by_state: listed.by_state }, { method: 'packages.update', total: 2, by_state: { WAITING: 2 } });
        const one = await http(ctx(), 'GET', `/api/groups/${groupId}`);
        assert.deepEqual(one.body.tasks.map((t: any) => t.consumer_id), ['api-web-1', 'api-web-2']);
        const canceled = await http(ctx(), 'POST', `/api/groups/${groupId}/cancel`, {});
        assert.deepEqual(canceled.body.tasks.map((t: any) => t.state), ['CANCELED', 'CANCELED']);
        assert.deepEqual((await http(ctx(), 'GET', `/api/groups/${groupId}`)).body.group.by_state, { CANCELED: 2 });
        refused(await http(ctx(), 'GET', '/api/groups/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND', /^group_id: group /);
        refused(await http(ctx(), 'GET', '/api/groups?limit=0'), 400, 'INVALID_ARGUMENT', /^limit: must be between 1 and 200/);
      });
    });

    describe('schedules and the consumer timeline', () => {
      it('lists schedules, shows the next fires and each fire recorded, and pauses and resumes as the gRPC API does', async () => {
        const { schedule } = await call(ctx().clients.schedules, 'createSchedule', {
          spec: { cron: '30 14 * * *', timeZone: 'Europe/Berlin', taskTemplate: { method: 'packages.update' }, target: { consumerSelector: ['role=web'] }, windowDuration: { seconds: '3600' } },
        });
        const list = await http(ctx(), 'GET', '/api/schedules');
        const listed = list.body.schedules.find((s: any) => s.id === schedule!.id);
        assert.deepEqual({ cron: listed.cron, zone: listed.time_zone, target: listed.target, window: listed.window_duration, paused: listed.paused }, { cron: '30 14 * * *', zone: 'Europe/Berlin', target: { consumer_id: '', consumer_selector: ['role=web'], consumer_id_pattern: '' }, window: '3600s', paused: false });
        const detail = await http(ctx(), 'GET', `/api/schedules/${schedule!.id}`);
        assert.equal(detail.body.preview.time_zone, 'Europe/Berlin');
        assert.equal(detail.body.preview.fires.length, 10);
        assert.match(detail.body.preview.fires[0].fire_time_local, /^\d{4}-\d{2}-\d{2}T14:30:00\+0[12]:00$/);
        assert.deepEqual(detail.body.fires, []);
        const paused = await http(ctx(), 'POST', `/api/schedules/${schedule!.id}/pause`, {});
        assert.equal(paused.body.schedule.paused, true);
        assert.equal((await call(ctx().clients.schedules, 'getSchedule', { scheduleId: schedule!.id })).schedule!.paused, true);
        assert.equal((await http(ctx(), 'POST', `/api/schedules/${schedule!.id}/resume`, {})).body.schedule.paused, false);
        refused(await http(ctx(), 'POST', '/api/schedules/nope/pause', {}), 404, 'NOT_FOUND', /^schedule_id: schedule "nope" not found$/);
        await call(ctx().clients.schedules, 'deleteSchedule', { scheduleId: schedule!.id });
      });

      it('lists the outcome of each fire of a schedule', async () => {
        const { schedule } = await call(ctx().clients.schedules, 'createSchedule', {
          spec: { cron: '* * * * * *', timeZone: 'UTC', taskTemplate: { method: 'system.info' }, target: { consumerSelector: ['role=nobody'] } },
        });
        try {
          const fires = await eventually('a recorded fire', async () => {
            const detail = await http(ctx(), 'GET', `/api/schedules/${schedule!.id}`);
            return detail.body.fires.length > 0 && detail.body.fires;
          });
          assert.deepEqual({ outcome: fires[0].outcome, tasks: fires[0].task_count }, { outcome: 'empty_selection', tasks: 0 });
        } finally {
          await call(ctx().clients.schedules, 'deleteSchedule', { scheduleId: schedule!.id });
        }
      });

      it("shows one consumer's tasks, history and upcoming fires of the schedules that target it on one time axis", async () => {
        const mine = (await call(ctx().clients.schedules, 'createSchedule', {
          spec: { cron: '0 * * * *', timeZone: 'America/New_York', taskTemplate: { method: 'system.info' }, target: { consumerSelector: ['zone=eu'] }, windowDuration: { seconds: '600' } },
        })).schedule!;
        const other = (await call(ctx().clients.schedules, 'createSchedule', {
          spec: { cron: '0 * * * *', timeZone: 'UTC', taskTemplate: { method: 'system.info' }, target: { consumerId: 'api-db-1' } },
        })).schedule!;
        try {
          const now = Date.now();
          const range = `from=${encodeURIComponent(new Date(now - 3600_000).toISOString())}&to=${encodeURIComponent(new Date(now + 3 * 3600_000).toISOString())}`;
          const view = await http(ctx(), 'GET', `/api/consumers/api-web-1/timeline?${range}`);
          assert.equal(view.status, 200, JSON.stringify(view.body));
          assert.equal(view.body.consumer.id, 'api-web-1');
          assert.deepEqual(view.body.history.map((e: any) => e.type), ['registered']);
          assert.ok(view.body.tasks.some((t: any) => t.method === 'packages.install'), 'its task created earlier in the span');
          assert.deepEqual([...new Set(view.body.fires.map((f: any) => f.schedule_id))], [mine.id], 'only the schedules that target it');
          assert.equal(view.body.fires.length, 3, 'one fire an hour for the three hours ahead');
          const fire = view.body.fires[0];
          assert.equal(Date.parse(fire.window_end_time) - Date.parse(fire.fire_time), 600_000);
          assert.match(fire.fire_time_local, /^\d{4}-\d{2}-\d{2}T\d{2}:00:00-0[45]:00$/);
          refused(await http(ctx(), 'GET', '/api/consumers/api-web-1/timeline?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z'), 400, 'INVALID_ARGUMENT', /^to: must be after from$/);
          refused(await http(ctx(), 'GET', '/api/consumers/api-web-1/timeline?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z'), 400, 'INVALID_ARGUMENT', /^to: is more than 31 days after from$/);
        } finally {
          await call(ctx().clients.schedules, 'deleteSchedule', { scheduleId: mine.id });
          await call(ctx().clients.schedules, 'deleteSchedule', { scheduleId: other.id });
        }
      });
    });

    describe('live views', () => {
      it('stream a view as Server-Sent Events: the current one first, then each change without asking again', async () => {
        const live = await openLive(ctx(), '/tasks?consumer_id=api-web-2');
        try {
          const first = await live.next('the current view', (e) => e.event === 'view');
          const known = first.data.tasks.map((t: any) => t.id);
          const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: 'api-web-2', method: 'testing.echo' });
          const withNew = await live.next('a view with the new task', (e) => e.event === 'view' && e.data.tasks[0]?.id === task!.id);
          assert.deepEqual(withNew.data.tasks.slice(1).map((t: any) => t.id), known);
          await call(ctx().clients.tasks, 'cancelTask', { taskId: task!.id });
          await live.next('the task canceled', (e) => e.event === 'view' && e.data.tasks[0]?.state === 'CANCELED');
        } finally {
          live.close();
        }
      });

      it('answer a view that cannot be read with its status, not a stream', async () => {
        refused(await http(ctx(), 'GET', '/api/live/tasks/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND', /task .* not found/);
        refused(await http(ctx(), 'POST', '/api/live/tasks', {}), 405, 'UNIMPLEMENTED', /POST is not allowed/);
      });
    });

    describe('authorization hook', () => {
      it('asks the hook for the permission of the RPC each route stands for, before doing anything', async () => {
        asked.length = 0;
        const task = (await http(ctx(), 'POST', '/api/tasks', { consumer_id: 'api-db-1', method: 'system.info' })).body.task;
        await http(ctx(), 'POST', '/api/tasks', { consumer_selector: ['role=db'], method: 'system.info' });
        await http(ctx(), 'GET', `/api/tasks/${task.id}`);
        await http(ctx(), 'POST', `/api/tasks/${task.id}/cancel`, {});
        await http(ctx(), 'GET', '/api/consumers/api-db-1/timeline');
        await http(ctx(), 'GET', '/metrics');
        assert.deepEqual(asked, [
          '/taskplane.v1.TaskService/CreateTask',
          '/taskplane.v1.TaskService/CreateTaskGroup',
          '/taskplane.v1.TaskService/GetTask',
          '/taskplane.v1.TaskService/CancelTask',
          '/taskplane.v1.ConsumerService/GetConsumer',
          '/taskplane.v1.TaskService/ListTasks',
          '/taskplane.v1.ConsumerService/ListConsumerHistory',
          '/taskplane.v1.ScheduleService/ListSchedules',
          '/taskplane.v1.ScheduleService/PreviewSchedule',
          'metrics',
        ]);
      });

      it('refuses what the hook refuses with 401, changing nothing; health and the console page need no permission', async () => {
        const deny = { 'x-test-deny': '1' };
        const task = (await http(ctx(), 'POST', '/api/tasks', { consumer_id: 'api-db-1', method: 'system.info' })).body.task;
        refused(await http(ctx(), 'POST', `/api/tasks/${task.id}/cancel`, {}, deny), 401, 'UNAUTHENTICATED', /^no token \(test\)$/);
        assert.equal((await call(ctx().clients.tasks, 'getTask', { taskId: task.id })).task!.state, 'TASK_STATE_WAITING');
        const before = await taskCount(ctx());
        refused(await http(ctx(), 'POST', '/api/tasks', { consumer_id: 'api-db-1', method: 'system.info' }, deny), 401, 'UNAUTHENTICATED', /no token/);
        assert.equal(await taskCount(ctx()), before);
        refused(await http(ctx(), 'GET', '/api/live/tasks', undefined, deny), 401, 'UNAUTHENTICATED', /no token/);
        refused(await http(ctx(), 'GET', '/metrics', undefined, deny), 401, 'UNAUTHENTICATED', /no token/);
        assert.equal((await http(ctx(), 'GET', '/healthz', undefined, deny)).status, 200);
        assert.equal((await http(ctx(), 'GET', '/readyz', undefined, deny)).status, 200);
        assert.equal((await http(ctx(), 'GET', '/', undefined, deny)).status, 200);
      });
    });
  },
  { httpListen: '127.0.0.1:0', httpAuthorize: recordingAuthorize },
);

describeOnEachStore(
  'the console API with API tokens, as the server runs it',
  (ctx) => {
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    it('refuses a call without a token (401) and serves one with a token, as gRPC does; /metrics too', async () => {
      refused(await http(ctx(), 'GET', '/api/consumers'), 401, 'UNAUTHENTICATED', /authorization/);
      refused(await http(ctx(), 'GET', '/metrics'), 401, 'UNAUTHENTICATED', /authorization/);
      refused(await http(ctx(), 'GET', '/api/consumers', undefined, bearer('tpt_not-a-token')), 401, 'UNAUTHENTICATED', /.+/);
      assert.equal((await http(ctx(), 'GET', '/api/consumers', undefined, bearer(ctx().token))).status, 200);
      assert.equal((await http(ctx(), 'GET', '/metrics', undefined, bearer(ctx().token))).status, 200);
    });

    it("refuses a viewer's cancel with 403 naming the permission, changing nothing", async () => {
      await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'api-token-1' });
      const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: 'api-token-1', method: 'testing.echo' });
      const { secret } = await call(ctx().clients.tokens, 'createToken', { name: 'looker', role: 'TOKEN_ROLE_VIEWER' });
      assert.equal((await http(ctx(), 'GET', `/api/tasks/${task!.id}`, undefined, bearer(secret))).status, 200, 'a viewer reads');
      refused(await http(ctx(), 'POST', `/api/tasks/${task!.id}/cancel`, {}, bearer(secret)), 403, 'PERMISSION_DENIED', /^tasks\.cancel: /);
      assert.equal((await call(ctx().clients.tasks, 'getTask', { taskId: task!.id })).task!.state, 'TASK_STATE_WAITING');
      assert.equal((await http(ctx(), 'POST', `/api/tasks/${task!.id}/cancel`, {}, bearer(ctx().token))).status, 200, 'an admin cancels');
    });
  },
  { httpListen: '127.0.0.1:0' },
);
