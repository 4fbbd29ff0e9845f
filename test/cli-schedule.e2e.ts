import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { call } from '../client/client';
import { EXIT } from '../common/exit-codes';
import { FakeAgent } from './helpers/fake-agent';
import { CLI, failure, runCli as runCliProcess, succeeded, type CliResult } from './helpers/processes';
import { eventually, startServerOn, type TestServer } from './helpers/server';
import { createTestStore, STORE_KINDS } from './helpers/stores';
import type { Task__Output } from '../protos/generated/taskplane/v1/Task';
import type { Schedule__Output } from '../protos/generated/taskplane/v1/Schedule';
import type { PreviewScheduleResponse__Output } from '../protos/generated/taskplane/v1/PreviewScheduleResponse';

/**
 * The `taskplane schedule` verbs and the time, group and schedule additions
 * to `taskplane task`, end to end: the built CLI spawned against a real
 * server on each store, checked by what a script sees (stdout, stderr, exit
 * code). Every schedule that must not fire during the run starts in 2030.
 */

const RUN_DEADLINE_MS = 15_000;
const MINUTE = 60_000;
const FUTURE_START = '2030-01-01T00:00:00Z';

/** Runs the CLI against `server` (its address and admin token; none: no server); only the test decides the server, the token and the output format. */
function runCli(args: string[], server?: TestServer): Promise<CliResult> {
  return runCliProcess(args, { TASKPLANE_SERVER: server?.address ?? '127.0.0.1:1', TASKPLANE_TOKEN: server?.token ?? '', TASKPLANE_TOKEN_FILE: '', TASKPLANE_OUTPUT: 'table', TZ: 'UTC' }, RUN_DEADLINE_MS);
}

/** Runs the CLI with --output json, expects exit 0 and returns the parsed stdout. */
async function runJson<T>(args: string[], server: TestServer): Promise<T> {
  return JSON.parse(succeeded(await runCli([...args, '--output', 'json'], server), args)) as T;
}

/** Runs the CLI (table output), expects exit 0 and returns stdout. */
async function runTable(args: string[], server: TestServer): Promise<string> {
  return succeeded(await runCli(args, server), args);
}

// --output json writes a Timestamp as RFC 3339 text (the proto3 JSON mapping).
const ms = (ts: unknown) => (ts ? Date.parse(ts as string) : null);

// A long-running CLI (watch-group) whose stdout is awaited as it arrives; ended by an after hook if a test fails midway.
const running = new Set<ChildProcess>();

function startWatcher(args: string[], server: TestServer) {
  const env = { ...process.env, TASKPLANE_SERVER: server.address, TASKPLANE_TOKEN: server.token, TASKPLANE_TOKEN_FILE: '', TASKPLANE_OUTPUT: 'table' };
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), RUN_DEADLINE_MS);
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      running.delete(child);
      for (const listener of listeners) listener();
      resolve({ code, stdout, stderr });
    }),
  );
  /** Resolves as soon as stdout satisfies `ready`; fails if the process ends first. */
  const waitForStdout = (what: string, ready: (out: string) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (ready(stdout)) {
          listeners.delete(check);
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          listeners.delete(check);
          reject(new Error(`the CLI exited before ${what}\nstdout: ${stdout}\nstderr: ${stderr}`));
        }
      };
      listeners.add(check);
      check();
    });
  return { exited, waitForStdout };
}

after(function () {
  for (const child of running) child.kill('SIGKILL');
});

for (const kind of STORE_KINDS) {
  describe(`taskplane CLI: schedules, times and groups [${kind}]`, function () {
    let t: TestServer | undefined;
    const server = () => t!;
    const credentials = new Map<string, string>();

    before(async function () {
      this.timeout(60_000);
      t = await startServerOn(await createTestStore(kind));
      const consumers: [string, Record<string, string>][] = [
        ['host-s1', { role: 'sched' }],
        ['host-s2', { role: 'sched' }],
        ['host-fire', {}],
        ['host-ok', { pool: 'ok' }],
      ];
      for (const [consumerId, labels] of consumers) {
        const { credential } = await call(t.clients.consumers, 'registerConsumer', { consumerId, displayName: '', labels });
        credentials.set(consumerId, credential);
      }
    });

    after(async function () {
      this.timeout(30_000);
      if (!t) return;
      t.clients.close();
      await t.server.stop('test finished');
      await t.store.drop();
    });

    describe('schedule', function () {
      const nightly = [
        'schedule', 'create', '--cron', '0 2 * * *', '--tz', 'Europe/Berlin', '--method', 'packages.update', '--args', '{"dry_run":true}',
        '--timeout', '30m', '--label', 'kind=nightly', '--selector', 'role=sched', '--window', '2h', '--start', FUTURE_START,
        '--end', '2031-01-01T00:00:00Z', '--overlap', 'allow', '--catch-up', 'all', '--catch-up-window', '2d',
      ];

      it('create takes every spec flag; get shows the next fire in UTC and on the zone clock', async function () {
        const { schedule } = await runJson<{ schedule: Schedule__Output }>(nightly, server());
        const spec = schedule.spec!;
        assert.equal(spec.cron, '0 2 * * *');
        assert.equal(spec.timeZone, 'Europe/Berlin');
        assert.equal(spec.taskTemplate?.method, 'packages.update');
        assert.deepEqual(JSON.parse(spec.taskTemplate!.argumentsJson), { dry_run: true });
        assert.equal(spec.taskTemplate?.timeoutDuration, '1800s' as unknown);
        assert.deepEqual(spec.taskTemplate?.labels, { kind: 'nightly' });
        assert.deepEqual(spec.target, { consumerId: '', consumerSelector: ['role=sched'], consumerIdPattern: '' });
        assert.equal(spec.windowDuration, '7200s' as unknown);
        assert.equal(ms(spec.startTime), Date.parse(FUTURE_START));
        assert.equal(ms(spec.endTime), Date.parse('2031-01-01T00:00:00Z'));
        assert.equal(spec.overlapPolicy, 'SCHEDULE_OVERLAP_POLICY_ALLOW');
        assert.equal(spec.catchUpPolicy, 'SCHEDULE_CATCH_UP_POLICY_ALL');
        assert.equal(spec.catchUpWindowDuration, '172800s' as unknown);
        assert.equal(schedule.paused, false);
        // 02:00 in Berlin in winter is 01:00 UTC.
        assert.equal(ms(schedule.nextFireTime), Date.parse('2030-01-01T01:00:00Z'));

        const [table, got] = await Promise.all([runTable(['schedule', 'get', schedule.id], server()), runJson<{ schedule: Schedule__Output }>(['schedule', 'get', schedule.id], server())]);
        assert.deepEqual(got.schedule, schedule);
        assert.match(table, new RegExp(`^schedule:\\s+${schedule.id}$`, 'm'));
        assert.match(table, /^target:\s+selector role=sched$/m);
        assert.match(table, /^window:\s+2h$/m);
        assert.match(table, /^overlap:\s+allow$/m);
        assert.match(table, /^catch-up:\s+all \(within 2d\)$/m);
        assert.match(table, /^paused:\s+no$/m);
        assert.match(table, /^next fire:\s+2030-01-01T01:00:00Z \(in \d+ d; 2030-01-01T02:00:00\+01:00 Europe\/Berlin\)$/m);
        assert.match(table, /^missed fires:\s+0$/m);
      });

      it('create --paused; resume and pause; list pages in creation order', async function () {
        const create = (cron: string, ...extra: string[]) =>
          runJson<{ schedule: Schedule__Output }>(['schedule', 'create', '--cron', cron, '--method', 'packages.update', '--start', FUTURE_START, ...extra], server()).then((r) => r.schedule);
        // One at a time, so the creation order is known.
        const paused = await create('15 4 * * *', '--consumer', 'host-s1', '--paused');
        const active = await create('0 0 1 * *', '--selector', 'role=sched');
        assert.equal(paused.paused, true);
        assert.equal(paused.spec?.timeZone, 'UTC', '--tz defaults to UTC');
        assert.deepEqual(paused.spec?.target, { consumerId: 'host-s1', consumerSelector: [], consumerIdPattern: '' });

        const pausedTable = await runTable(['schedule', 'get', paused.id], server());
        assert.match(pausedTable, /^paused:\s+yes$/m);
        assert.match(pausedTable, /^next fire:\s+none while paused$/m);

        const resumed = await runJson<{ schedule: Schedule__Output }>(['schedule', 'resume', paused.id], server());
        assert.equal(resumed.schedule.paused, false);
        assert.equal(ms(resumed.schedule.nextFireTime), Date.parse('2030-01-01T04:15:00Z'));
        const pausedAgain = await runTable(['schedule', 'pause', paused.id], server());
        assert.match(pausedAgain, new RegExp(`^schedule ${paused.id} paused$`, 'm'));
        assert.match(pausedAgain, /^paused:\s+yes$/m);

        const mine = (schedules: Schedule__Output[]) => schedules.map((s) => s.id).filter((id) => id === paused.id || id === active.id);
        const [all, firstPage, table] = await Promise.all([
          runJson<{ schedules: Schedule__Output[]; nextPageToken: string }>(['schedule', 'list', '--page-size', '1', '--all'], server()),
          runJson<{ schedules: Schedule__Output[]; nextPageToken: string }>(['schedule', 'list', '--page-size', '1'], server()),
          runTable(['schedule', 'list'], server()),
        ]);
        assert.deepEqual(mine(all.schedules), [paused.id, active.id]);
        assert.equal(all.nextPageToken, '');
        assert.equal(firstPage.schedules.length, 1);
        assert.ok(firstPage.nextPageToken);
        const secondPage = await runJson<{ schedules: Schedule__Output[] }>(['schedule', 'list', '--page-size', '1', '--page-token', firstPage.nextPageToken], server());
        assert.deepEqual(secondPage.schedules.map((s) => s.id), [all.schedules[1].id]);

        assert.match(table, /^ID\s+CRON\s+TIME ZONE\s+METHOD\s+TARGET\s+NEXT FIRE$/m);
        assert.match(table, new RegExp(`^${paused.id}\\s+15 4 \\* \\* \\*\\s+UTC\\s+packages\\.update\\s+consumer host-s1\\s+paused$`, 'm'));
        assert.match(table, new RegExp(`^${active.id}\\s+0 0 1 \\* \\*\\s+UTC\\s+packages\\.update\\s+selector role=sched\\s+2030-01-01T00:00:00Z \\(in \\d+ d\\)$`, 'm'));
      });

      it('update applies only the given flags on top of the current spec; an invalid update changes nothing', async function () {
        const { schedule } = await runJson<{ schedule: Schedule__Output }>(nightly, server());
        const updated = await runJson<{ schedule: Schedule__Output }>(
          ['schedule', 'update', schedule.id, '--cron', '30 3 * * *', '--window', 'none', '--label', 'team=ops', '--consumer', 'host-s1'],
          server(),
        );
        const before = schedule.spec!;
        const after = updated.schedule.spec!;
        assert.equal(after.cron, '30 3 * * *');
        assert.deepEqual(after.target, { consumerId: 'host-s1', consumerSelector: [], consumerIdPattern: '' });
        assert.deepEqual(after.taskTemplate?.labels, { team: 'ops' });
        assert.equal(after.windowDuration, undefined, 'an unset message field is left out of the JSON');
        // Everything not given is kept.
        for (const field of ['timeZone', 'startTime', 'endTime', 'overlapPolicy', 'catchUpPolicy', 'catchUpWindowDuration'] as const) {
          assert.deepEqual(after[field], before[field], field);
        }
        assert.equal(after.taskTemplate?.argumentsJson, before.taskTemplate?.argumentsJson);
        assert.deepEqual(after.taskTemplate?.timeoutDuration, before.taskTemplate?.timeoutDuration);
        assert.equal(ms(updated.schedule.nextFireTime), Date.parse('2030-01-01T02:30:00Z'));

        const [table, invalid, noFlags] = await Promise.all([
          runTable(['schedule', 'update', schedule.id, '--tz', 'UTC'], server()),
          runCli(['schedule', 'update', schedule.id, '--cron', '* * *'], server()),
          runCli(['schedule', 'update', schedule.id], server()),
        ]);
        assert.match(table, new RegExp(`^schedule ${schedule.id} updated$`, 'm'));
        assert.match(table, /^time zone:\s+UTC$/m);
        assert.match(failure(invalid, EXIT.USAGE), /^error: INVALID_ARGUMENT: spec\.cron: "\* \* \*" has 3 fields/);
        assert.match(failure(noFlags, EXIT.USAGE), /^error: schedule update needs at least one spec flag/);

        const { schedule: now } = await runJson<{ schedule: Schedule__Output }>(['schedule', 'get', schedule.id], server());
        assert.equal(now.spec?.cron, '30 3 * * *');
        assert.equal(now.spec?.timeZone, 'UTC');
      });

      it('delete removes it; get and delete again exit 3', async function () {
        const { schedule } = await runJson<{ schedule: Schedule__Output }>(nightly, server());
        const deleted = await runTable(['schedule', 'delete', schedule.id], server());
        assert.match(deleted, /deleted/);
        const [get, again] = await Promise.all([runCli(['schedule', 'get', schedule.id], server()), runCli(['schedule', 'delete', schedule.id, '--output', 'json'], server())]);
        assert.match(failure(get, EXIT.NOT_FOUND), /^error: NOT_FOUND: schedule_id: /);
        assert.match(failure(again, EXIT.NOT_FOUND), /^error: NOT_FOUND: schedule_id: /);
      });

      it('preview of a spec shows the fire after the spring-forward gap, in the zone and in UTC', async function () {
        const spec = ['--cron', '30 2 * * *', '--tz', 'Europe/Berlin', '--selector', 'role=sched', '--method', 'packages.update', '--window', '2h', '--after', '2026-03-27T00:00:00Z'];
        const [json, table] = await Promise.all([
          runJson<PreviewScheduleResponse__Output>(['schedule', 'preview', ...spec, '--count', '4'], server()),
          runTable(['schedule', 'preview', ...spec], server()),
        ]);
        assert.equal(json.timeZone, 'Europe/Berlin');
        assert.deepEqual(
          json.fires.map((f) => f.fireTimeLocal),
          ['2026-03-27T02:30:00+01:00', '2026-03-28T02:30:00+01:00', '2026-03-29T03:00:00+02:00', '2026-03-30T02:30:00+02:00'],
        );
        assert.equal(ms(json.fires[2].fireTime), Date.parse('2026-03-29T01:00:00Z'));
        assert.equal(json.fires[2].windowEndTimeLocal, '2026-03-29T05:00:00+02:00');

        const rows = table.trimEnd().split('\n');
        assert.equal(rows[0], 'fires in Europe/Berlin:');
        assert.match(rows[1], /^LOCAL\s+UTC\s+WINDOW END$/);
        assert.equal(rows.length, 2 + 5, '5 fires by default');
        assert.match(rows[4], /^2026-03-29T03:00:00\+02:00\s+2026-03-29T01:00:00Z\s+2026-03-29T05:00:00\+02:00$/);
      });

      it('preview ID shows a stored schedule; with spec flags, as update would change it', async function () {
        const { schedule } = await runJson<{ schedule: Schedule__Output }>(nightly, server());
        const [stored, changed] = await Promise.all([
          runJson<PreviewScheduleResponse__Output>(['schedule', 'preview', schedule.id, '--count', '2'], server()),
          runJson<PreviewScheduleResponse__Output>(['schedule', 'preview', schedule.id, '--count', '1', '--tz', 'America/New_York', '--window', 'none'], server()),
        ]);
        // The schedule starts in 2030; its first fires are then.
        assert.deepEqual(stored.fires.map((f) => f.fireTimeLocal), ['2030-01-01T02:00:00+01:00', '2030-01-02T02:00:00+01:00']);
        assert.equal(stored.fires[0].windowEndTimeLocal, '2030-01-01T04:00:00+01:00');
        assert.equal(changed.timeZone, 'America/New_York');
        assert.deepEqual(changed.fires.map((f) => [f.fireTimeLocal, f.windowEndTime]), [['2030-01-01T02:00:00-05:00', undefined]]);
        // Preview changes nothing.
        const { schedule: now } = await runJson<{ schedule: Schedule__Output }>(['schedule', 'get', schedule.id], server());
        assert.deepEqual(now, schedule);
      });

      it('an invalid cron or zone exits 2 naming the spec field, on one stderr line, and writes nothing', async function () {
        const count = async () => (await call(t!.clients.schedules, 'listSchedules', { pageSize: 1000 })).schedules.length;
        const before = await count();
        const base = ['--method', 'packages.update', '--consumer', 'host-s1'];
        const [badMinute, badFields, badZone, badPreview] = await Promise.all([
          runCli(['schedule', 'create', '--cron', '61 * * * *', ...base], server()),
          runCli(['schedule', 'create', '--cron', '* * *', ...base, '--output', 'json'], server()),
          runCli(['schedule', 'create', '--cron', '0 2 * * *', '--tz', 'Mars/Olympus', ...base], server()),
          runCli(['schedule', 'preview', '--cron', '0 25 * * *', ...base], server()),
        ]);
        assert.match(failure(badMinute, EXIT.USAGE), /^error: INVALID_ARGUMENT: spec\.cron: "61 \* \* \* \*" is not a valid cron expression/);
        assert.match(failure(badFields, EXIT.USAGE), /^error: INVALID_ARGUMENT: spec\.cron: "\* \* \*" has 3 fields; use 5/);
        assert.match(failure(badZone, EXIT.USAGE), /^error: INVALID_ARGUMENT: spec\.time_zone: "Mars\/Olympus" is not an IANA time zone/);
        assert.match(failure(badPreview, EXIT.USAGE), /^error: INVALID_ARGUMENT: spec\.cron: /);
        assert.equal(await count(), before);
      });

      it('task list --schedule and --group find the tasks a fire created', async function () {
        // Every second, for a consumer without an agent: the first fire's task waits, and later fires skip (overlap).
        const { schedule } = await runJson<{ schedule: Schedule__Output }>(
          ['schedule', 'create', '--cron', '* * * * * *', '--consumer', 'host-fire', '--method', 'packages.update', '--label', 'from=schedule'],
          server(),
        );
        try {
          await eventually('the first fire', async () => (await call(t!.clients.tasks, 'listTasks', { scheduleId: schedule.id })).tasks.length > 0);
          await runJson(['schedule', 'pause', schedule.id], server());
          const bySchedule = await runJson<{ tasks: Task__Output[] }>(['task', 'list', '--schedule', schedule.id], server());
          assert.ok(bySchedule.tasks.length >= 1);
          const task = bySchedule.tasks[bySchedule.tasks.length - 1];
          assert.ok(bySchedule.tasks.every((x) => x.scheduleId === schedule.id && x.consumerId === 'host-fire'));
          assert.deepEqual(task.labels, { from: 'schedule' });
          assert.ok(task.groupId && task.fireTime);

          const [byGroup, got] = await Promise.all([
            runJson<{ tasks: Task__Output[] }>(['task', 'list', '--group', task.groupId], server()),
            runTable(['task', 'get', task.id], server()),
          ]);
          assert.deepEqual(byGroup.tasks.map((t) => t.id), [task.id]);
          assert.match(got, new RegExp(`^schedule:\\s+${schedule.id}$`, 'm'));
          assert.match(got, new RegExp(`^group:\\s+${task.groupId}$`, 'm'));
          assert.match(got, /^fire time:\s+\S+Z \([^)]*\)$/m);
          const last = await runTable(['schedule', 'get', schedule.id], server());
          assert.match(last, /^last fire:\s+\S+Z \([^;]+; \S+\+00:00 UTC\)$/m);
        } finally {
          await call(t!.clients.schedules, 'deleteSchedule', { scheduleId: schedule.id });
        }
      });
    });

    describe('task create: times', function () {
      it('--in 10m is SCHEDULED, not before now + 10 minutes; --for counts from that start', async function () {
        const before = Date.now();
        const { task } = await runJson<{ task: Task__Output }>(['task', 'create', '--consumer', 'host-s1', '--method', 'packages.update', '--in', '10m', '--for', '2h'], server());
        const after = Date.now();
        assert.equal(task.state, 'TASK_STATE_SCHEDULED');
        const notBeforeTime = ms(task.notBeforeTime)!;
        assert.ok(notBeforeTime >= before + 10 * MINUTE && notBeforeTime <= after + 10 * MINUTE, `not_before ${new Date(notBeforeTime).toISOString()} is not 10 minutes after the call`);
        assert.equal(ms(task.notAfterTime)! - notBeforeTime, 120 * MINUTE);
      });

      it('--at and --until set the window; --at with --for; --not-before still works', async function () {
        const [window, forHalfHour, notBeforeTime] = await Promise.all([
          runJson<{ task: Task__Output }>(['task', 'create', '--consumer', 'host-s1', '--method', 'packages.update', '--at', '2099-12-01T12:00:00+01:00', '--until', '2099-12-01T13:00:00+01:00'], server()),
          runJson<{ task: Task__Output }>(['task', 'create', '--consumer', 'host-s1', '--method', 'packages.update', '--at', '2099-12-01T12:00:00+01:00', '--for', '30m'], server()),
          runJson<{ task: Task__Output }>(['task', 'create', '--consumer', 'host-s1', '--method', 'packages.update', '--not-before', '2099-12-01T11:00:00Z'], server()),
        ]);
        assert.equal(window.task.state, 'TASK_STATE_SCHEDULED');
        assert.equal(ms(window.task.notBeforeTime), Date.parse('2099-12-01T11:00:00Z'));
        assert.equal(ms(window.task.notAfterTime), Date.parse('2099-12-01T12:00:00Z'));
        assert.equal(ms(forHalfHour.task.notAfterTime), Date.parse('2099-12-01T11:30:00Z'));
        assert.equal(ms(notBeforeTime.task.notBeforeTime), Date.parse('2099-12-01T11:00:00Z'));
        assert.equal(notBeforeTime.task.notAfterTime, undefined);

        const got = await runTable(['task', 'get', window.task.id], server());
        assert.match(got, /^state:\s+SCHEDULED$/m);
        assert.match(got, /^not before:\s+2099-12-01T11:00:00Z \(in \d+ d\)$/m);
        assert.match(got, /^not after:\s+2099-12-01T12:00:00Z \(in \d+ d\)$/m);
      });
    });

    describe('task groups', function () {
      it('create --selector makes a group; list --group; cancel-group ends it; watch-group exits 8', async function () {
        const created = await runJson<{ groupId: string; tasks: Task__Output[] }>(['task', 'create', '--selector', 'role=sched', '--method', 'packages.update', '--label', 'wave=1'], server());
        assert.ok(created.groupId);
        assert.deepEqual(created.tasks.map((t) => t.consumerId), ['host-s1', 'host-s2']);
        assert.ok(created.tasks.every((t) => t.groupId === created.groupId && t.state === 'TASK_STATE_WAITING'));
        const ids = created.tasks.map((t) => t.id).sort();

        const listed = await runJson<{ tasks: Task__Output[] }>(['task', 'list', '--group', created.groupId], server());
        assert.deepEqual(listed.tasks.map((t) => t.id).sort(), ids);

        // A live watcher sees both tasks wait, then both end when the group is canceled.
        const watcher = startWatcher(['task', 'watch-group', created.groupId], server());
        await watcher.waitForStdout('both WAITING events', (out) => (out.match(/ WAITING /g) ?? []).length === 2);
        const canceled = await runJson<{ tasks: Task__Output[] }>(['task', 'cancel-group', created.groupId, '--reason', 'rollback'], server());
        assert.deepEqual(canceled.tasks.map((t) => t.id).sort(), ids);
        assert.ok(canceled.tasks.every((t) => t.state === 'TASK_STATE_CANCELED'));

        const watched = await watcher.exited;
        assert.equal(watched.code, EXIT.TASK_DID_NOT_SUCCEED, watched.stderr);
        const lines = watched.stdout.trimEnd().split('\n');
        for (const id of ids) {
          assert.ok(lines.some((l) => new RegExp(`^\\S+Z\\s+task ${id}\\s+event \\d+\\s+CANCELED\\s+\\(.*rollback\\)`).test(l)), `no CANCELED line for ${id}:\n${watched.stdout}`);
        }
        assert.equal(lines[lines.length - 1], `group ${created.groupId}: 2 tasks: 2 CANCELED`);

        // Watching the ended group replays its events and exits 8 at once.
        const replay = await runCli(['task', 'watch-group', created.groupId, '--output', 'json'], server());
        assert.equal(replay.code, EXIT.TASK_DID_NOT_SUCCEED, replay.stderr);
        const events = replay.stdout.trimEnd().split('\n').map((line) => JSON.parse(line).event);
        assert.equal(events.length, 4);
      });

      it('create --selector in a table; an empty selection; cancel-group of an unknown group exits 3', async function () {
        const [table, empty, unknown] = await Promise.all([
          runTable(['task', 'create', '--selector', 'role=sched', '--method', 'packages.update'], server()),
          runCli(['task', 'create', '--selector', 'role=nobody', '--method', 'packages.update'], server()),
          runCli(['task', 'cancel-group', '00000000-0000-0000-0000-000000000000'], server()),
        ]);
        const groupId = /^group (\S+): 2 tasks$/m.exec(table)?.[1];
        assert.ok(groupId, table);
        assert.match(table, /^ID\s+CONSUMER\s+METHOD\s+STATE\s+CREATED\s+DURATION\s+ENDED\s+LABELS$/m);
        assert.match(table, /^\S+\s+host-s2\s+packages\.update\s+WAITING\s+\S+Z \([^)]*\)$/m);
        // Nothing matching is an error, and leaves no group id behind to watch.
        assert.equal(failure(empty, EXIT.CONFLICT), 'error: FAILED_PRECONDITION: no consumer matches role=nobody');
        assert.match(failure(unknown, EXIT.NOT_FOUND), /^error: NOT_FOUND: group_id: /);

        const canceled = await runTable(['task', 'cancel-group', groupId], server());
        assert.match(canceled, new RegExp(`^group ${groupId}: 2 tasks: 2 CANCELED$`, 'm'));
      });

      it('watch-group exits 0 when every task of the group succeeded', async function () {
        const agent = new FakeAgent(server().address, 'host-ok', credentials.get('host-ok')!);
        try {
          await agent.next('welcome', (m) => Boolean(m.welcome));
          const created = await runJson<{ groupId: string; tasks: Task__Output[] }>(['task', 'create', '--selector', 'pool=ok', '--method', 'packages.update'], server());
          assert.equal(created.tasks.length, 1);
          const request = await agent.taskRequest();
          assert.equal(request.taskId, created.tasks[0].id);
          agent.send({ accepted: { taskId: request.taskId } });
          agent.send({ reply: { taskId: request.taskId, resultJson: '{"ok":true}' } });
          await agent.next('the reply ack', (m) => m.replyAck?.taskId === request.taskId);

          const watched = await runCli(['task', 'watch-group', created.groupId], server());
          assert.equal(watched.code, EXIT.OK, watched.stderr);
          assert.match(watched.stdout, new RegExp(`task ${request.taskId}\\s+event \\d+\\s+SUCCEEDED`));
          assert.match(watched.stdout, new RegExp(`^group ${created.groupId}: 1 task: 1 SUCCEEDED$`, 'm'));
        } finally {
          agent.close();
        }
      });
    });
  });
}

describe('taskplane CLI: schedule and time flags without a server', function () {
  it('conflicting or missing flags exit 2 with one line naming them, before any call', async function () {
    const task = ['task', 'create', '--method', 'packages.update'];
    const cases: [string[], RegExp][] = [
      [[...task, '--consumer', 'x', '--at', '2099-01-01T00:00:00Z', '--in', '10m'], /^error: task create: --at and --in both set the start of the window; give only one$/],
      [[...task, '--consumer', 'x', '--not-before', '2099-01-01T00:00:00Z', '--at', '2099-01-01T00:00:00Z'], /--not-before and --at both set the start/],
      [[...task, '--consumer', 'x', '--until', '2099-01-01T00:00:00Z', '--for', '1h'], /--until and --for both set the end of the window/],
      [[...task, '--consumer', 'x', '--not-after', '2099-01-01T00:00:00Z', '--until', '2099-01-01T00:00:00Z'], /--not-after and --until both set the end/],
      [[...task, '--consumer', 'x', '--in', 'soon'], /--in "soon" is not a duration/],
      [[...task, '--consumer', 'x', '--selector', 'role=web'], /give --consumer or --selector\/--id, not both/],
      [[...task, '--selector', 'role=web', '--idempotency-key', 'k'], /--idempotency-key cannot be used with --selector or --id/],
      [[...task, '--selector', ' '], /--selector needs a value, not an empty string/],
      [['task', 'watch-group'], /task watch-group needs GROUP_ID/],
      [['schedule', 'create', '--method', 'a.b', '--consumer', 'x'], /schedule create needs --cron/],
      [['schedule', 'create', '--cron', '0 2 * * *', '--method', 'a.b'], /schedule create needs --consumer ID or --selector/],
      [['schedule', 'create', '--cron', '0 2 * * *', '--method', 'a.b', '--consumer', 'x', '--overlap', 'sometimes'], /--overlap must be one of skip, allow, not "sometimes"/],
      [['schedule', 'create', '--cron', '0 2 * * *', '--method', 'a.b', '--consumer', 'x', '--window', '2 hours'], /--window "2 hours" is not a duration/],
      [['schedule', 'preview', 'id-1', '--count', '0'], /--count must be a whole number from 1 to 100/],
      [['schedule', 'preview', 'id-1', 'id-2'], /unexpected argument "id-2"/],
      [['schedule', 'pause'], /schedule pause needs ID/],
      [['schedule', 'snooze'], /unknown schedule verb "snooze"/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((result, i) => assert.match(failure(result, EXIT.USAGE), cases[i][1], cases[i][0].join(' ')));
  });

  it('schedule --help documents every verb and says update replaces the whole spec', async function () {
    const result = await runCli(['schedule', '--help']);
    assert.equal(result.code, 0, result.stderr);
    for (const verb of ['create', 'get', 'list', 'update', 'pause', 'resume', 'delete', 'preview']) assert.match(result.stdout, new RegExp(`^  ${verb}\\b`, 'm'));
    assert.match(result.stdout, /Replaces the schedule's whole spec/);
  });
});
