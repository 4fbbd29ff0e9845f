import assert from 'node:assert/strict';
import { call } from '../client/client';
import { EXIT } from '../common/exit-codes';
import { failure, runCli as runCliProcess, succeeded, type CliResult } from './helpers/processes';
import { startServerOn, type TestServer } from './helpers/server';
import { createTestStore, STORE_KINDS } from './helpers/stores';
import type { Schedule__Output } from '../protos/generated/taskplane/v1/Schedule';
import type { ScheduleFire__Output } from '../protos/generated/taskplane/v1/ScheduleFire';
import type { BackfillScheduleResponse__Output } from '../protos/generated/taskplane/v1/BackfillScheduleResponse';

/**
 * `taskplane schedule fires | trigger | backfill` and `consumer delete
 * [--force]`, end to end: the built CLI spawned against a real server on
 * each store, checked by what a script sees (stdout, stderr, exit code).
 */

const DAY = 24 * 3600_000;

function runCli(args: string[], server: TestServer): Promise<CliResult> {
  return runCliProcess(args, { TASKPLANE_SERVER: server.address, TASKPLANE_TOKEN: server.token, TASKPLANE_TOKEN_FILE: '', TASKPLANE_OUTPUT: 'table' }, 15_000);
}

async function runJson<T>(args: string[], server: TestServer): Promise<T> {
  return JSON.parse(succeeded(await runCli([...args, '--output', 'json'], server), args)) as T;
}

async function runTable(args: string[], server: TestServer): Promise<string> {
  return succeeded(await runCli(args, server), args);
}

for (const kind of STORE_KINDS) {
  describe(`taskplane CLI: schedule fires, trigger, backfill; consumer delete --force [${kind}]`, function () {
    this.timeout(60_000);
    let t: TestServer | undefined;
    const server = () => t!;
    let scheduleId = '';
    // Midnight UTC today: the backfilled range ends there, so it holds exactly
    // the 02:00 fires of the two days before; the schedule ends there too, so
    // the server never fires it on its own while the test runs.
    const midnight = Math.floor(Date.now() / DAY) * DAY;
    const from = new Date(midnight - 2 * DAY).toISOString();
    const to = new Date(midnight).toISOString();

    before(async function () {
      t = await startServerOn(await createTestStore(kind));
      await call(t.clients.consumers, 'registerConsumer', { consumerId: 'cli-fires-1' });
      const created = await runJson<{ schedule: Schedule__Output }>(
        ['schedule', 'create', '--cron', '0 2 * * *', '--tz', 'UTC', '--method', 'system.info', '--consumer', 'cli-fires-1', '--overlap', 'allow', '--end', to],
        server(),
      );
      scheduleId = created.schedule.id;
    });

    after(async function () {
      if (!t) return;
      t.clients.close();
      await t.server.stop('test finished');
      await t.store.drop();
    });

    it('trigger fires now and shows the manual fire', async () => {
      const out = await runTable(['schedule', 'trigger', scheduleId], server());
      assert.match(out, new RegExp(`^schedule ${scheduleId} fired by hand\n`));
      assert.match(out, /^FIRE TIME\s+OUTCOME\s+TRIGGER\s+TASKS\s+GROUP\s+DETAIL$/m);
      assert.match(out, /^\S+Z \([^)]*\)\s+created\s+manual\s+1\s+[0-9a-f-]{36}$/m);
    });

    it('backfill runs the fires of a past range once; again, it creates nothing and says so', async () => {
      const first = await runJson<BackfillScheduleResponse__Output>(['schedule', 'backfill', scheduleId, '--from', from, '--to', to], server());
      assert.deepEqual(
        // proto3 JSON: times are RFC 3339 text.
        first.fires.map((f) => [new Date(f.fireTime as unknown as string).toISOString(), f.outcome, f.trigger, f.taskCount]),
        [
          [new Date(midnight - 2 * DAY + 2 * 3600_000).toISOString(), 'SCHEDULE_FIRE_OUTCOME_CREATED', 'SCHEDULE_FIRE_TRIGGER_BACKFILL', 1],
          [new Date(midnight - DAY + 2 * 3600_000).toISOString(), 'SCHEDULE_FIRE_OUTCOME_CREATED', 'SCHEDULE_FIRE_TRIGGER_BACKFILL', 1],
        ],
      );
      const again = await runTable(['schedule', 'backfill', scheduleId, '--from', from, '--to', to], server());
      assert.equal(again, `backfilled 0 fire(s) of schedule ${scheduleId}; 2 already recorded, left alone\n`);
    });

    it('fires lists the recorded fires newest first, filtered by --outcome', async () => {
      const out = await runTable(['schedule', 'fires', scheduleId], server());
      const rows = out.trimEnd().split('\n');
      assert.match(rows[0], /^FIRE TIME\s+OUTCOME\s+TRIGGER\s+TASKS\s+GROUP\s+DETAIL$/);
      assert.deepEqual(rows.slice(1).map((r) => r.replace(/ \([^)]*\)/, '').split(/\s+/).slice(1, 4)), [
        ['created', 'manual', '1'],
        ['created', 'backfill', '1'],
        ['created', 'backfill', '1'],
      ]);
      const created = await runJson<{ fires: ScheduleFire__Output[] }>(['schedule', 'fires', scheduleId, '--outcome', 'created', '--page-size', '2', '--all'], server());
      assert.equal(created.fires.length, 3);
      assert.equal(await runTable(['schedule', 'fires', scheduleId, '--outcome', 'skipped-overlap'], server()), 'no recorded fires\n');
    });

    it('refuses a bad outcome, a range reaching into the future and a backfill without a range, each in one line', async () => {
      assert.match(failure(await runCli(['schedule', 'fires', scheduleId, '--outcome', 'exploded'], server()), EXIT.USAGE), /--outcome must be one of created, skipped-overlap, empty-selection, missed/);
      const future = new Date(Date.now() + DAY).toISOString();
      assert.match(failure(await runCli(['schedule', 'backfill', scheduleId, '--from', from, '--to', future], server()), EXIT.USAGE), /INVALID_ARGUMENT: to_time: is in the future/);
      assert.match(failure(await runCli(['schedule', 'backfill', scheduleId, '--from', from], server()), EXIT.USAGE), /needs --from TIME and --to TIME/);
      assert.match(failure(await runCli(['schedule', 'trigger', 'no-such-schedule'], server()), EXIT.NOT_FOUND), /NOT_FOUND: schedule_id: /);
    });

    it('consumer delete is refused while a schedule targets the consumer, naming it; --force deletes and says which schedule it paused', async () => {
      const refused = failure(await runCli(['consumer', 'delete', 'cli-fires-1'], server()), EXIT.CONFLICT);
      assert.match(refused, new RegExp(`FAILED_PRECONDITION: consumer "cli-fires-1" is the target of schedule "${scheduleId}".*force`));
      const forced = await runTable(['consumer', 'delete', 'cli-fires-1', '--force'], server());
      assert.equal(forced, `consumer cli-fires-1 deleted; its tasks that had not started are canceled\nschedule ${scheduleId} paused: it targeted this consumer\n`);
      const { schedule } = await runJson<{ schedule: Schedule__Output }>(['schedule', 'get', scheduleId], server());
      assert.equal(schedule.paused, true);
    });
  });
}
