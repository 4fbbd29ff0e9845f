import assert from 'node:assert/strict';
import { call } from '../client/client';
import { EXIT } from '../common/exit-codes';
import { FakeAgent } from './helpers/fake-agent';
import { runCli } from './helpers/processes';
import { describeOnEachStore } from './helpers/server';
import type { GetConsumerTimelineResponse__Output } from '../protos/generated/taskplane/v1/GetConsumerTimelineResponse';

/**
 * The real `taskplane` binary against a real server: what a person sees of
 * an agent's offered methods (task create, --force, consumer get) and of a
 * consumer's timeline.
 */
describeOnEachStore('CLI: consumer capabilities and timeline', (ctx) => {
  const cli = (...args: string[]) => runCli(args, { TASKPLANE_SERVER: ctx().address, TASKPLANE_TOKEN: ctx().token, TASKPLANE_TOKEN_FILE: '', TASKPLANE_OUTPUT: 'table' });
  let agent: FakeAgent | undefined;

  before(async () => {
    const { credential } = await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'cli-web-3', labels: { role: 'cliweb' } });
    agent = new FakeAgent(ctx().address, 'cli-web-3', credential, { methods: ['packages.install', 'system.info'] });
    await agent.next('welcome', (m) => Boolean(m.welcome));
  });
  after(() => agent?.close());

  it('task create refuses a method the agent does not offer (exit 4, naming what it offers); --force creates it', async () => {
    const refused = await cli('task', 'create', '--consumer', 'cli-web-3', '--method', 'packages.instal');
    assert.equal(refused.code, EXIT.CONFLICT, refused.stderr);
    assert.equal(
      refused.stderr.trim(),
      'error: FAILED_PRECONDITION: method "packages.instal" is not offered by consumer cli-web-3\'s agent (fake/1); it offers: packages.install, system.info. Set allow_unknown_method (taskplane task create --force) to create it anyway',
    );
    const forced = await cli('task', 'create', '--consumer', 'cli-web-3', '--method', 'packages.instal', '--force', '--output', 'json');
    assert.equal(forced.code, EXIT.OK, forced.stderr);
    assert.equal(JSON.parse(forced.stdout).task.method, 'packages.instal');
  });

  it('consumer get shows the agent\'s version and the methods it offers', async () => {
    const shown = await cli('consumer', 'get', 'cli-web-3');
    assert.equal(shown.code, EXIT.OK, shown.stderr);
    assert.match(shown.stdout, /^agent: +fake\/1 \(hello at \d{4}-\d\d-\d\dT[\d:.]+Z \([^)]*\)\)$/m);
    assert.match(shown.stdout, /^methods: +packages\.install, system\.info$/m);
  });

  it('consumer timeline prints tasks, history and upcoming fires on one axis, and pages with its hints', async () => {
    const schedule = (await call(ctx().clients.schedules, 'createSchedule', {
      spec: { cron: '0 2 * * *', timeZone: 'Europe/Berlin', taskTemplate: { method: 'system.info' }, target: { consumerSelector: ['role=cliweb'] }, windowDuration: { seconds: '7200' } },
    })).schedule!;
    const page = await cli('consumer', 'timeline', 'cli-web-3', '--page-size', '6');
    assert.equal(page.code, EXIT.OK, page.stderr);
    const lines = page.stdout.trim().split('\n');
    assert.match(lines[0], /^TIME +KIND +WHAT +STATE +DETAILS$/);
    assert.match(page.stdout, /^\S+Z \([^)]*\) +history +registered/m);
    assert.match(page.stdout, /^\S+Z \([^)]*\) +task +packages\.instal \S+ +\w+/m);
    // The nightly fire, with its window on Berlin's clock.
    assert.match(page.stdout, new RegExp(`^\\S+Z \\([^)]*\\) +fire +system\\.info schedule ${schedule.id} +upcoming +\\S+T02:00:00\\+0[12]:00 until \\S+T04:00:00\\+0[12]:00 \\(Europe/Berlin\\)$`, 'm'));

    const json = await cli('consumer', 'timeline', 'cli-web-3', '--after', '2000-01-01T00:00:00Z', '--page-size', '1', '--output', 'json');
    assert.equal(json.code, EXIT.OK, json.stderr);
    const first: GetConsumerTimelineResponse__Output = JSON.parse(json.stdout);
    assert.equal(first.entries[0].historyEvent!.type, 'registered');
    assert.equal(first.olderPageToken, '');
    const next = await cli('consumer', 'timeline', 'cli-web-3', '--page-size', '1', '--page-token', first.newerPageToken, '--output', 'json');
    assert.equal(next.code, EXIT.OK, next.stderr);
    assert.equal(JSON.parse(next.stdout).entries[0].task.method, 'packages.instal');

    const both = await cli('consumer', 'timeline', 'cli-web-3', '--before', '2030-01-01T00:00:00Z', '--after', '2000-01-01T00:00:00Z');
    assert.equal(both.code, EXIT.USAGE);
    assert.match(both.stderr, /give at most one of --before, --after and --page-token/);
  });
});
