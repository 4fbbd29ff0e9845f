import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { runCli } from './helpers/processes';
import { describeOnEachStore, expectStatus } from './helpers/server';

/**
 * Selectors as people write them (Kubernetes label selectors, and a glob on
 * the consumer id), through every API that picks consumers: ListConsumers,
 * CreateTaskGroup, schedules, and the CLI.
 */
const FLEET: Array<[string, Record<string, string>]> = [
  ['web-1', { role: 'web', zone: 'eu' }],
  ['web-2', { role: 'web', zone: 'us', canary: 'yes' }],
  ['web_3', { role: 'web', zone: 'ap' }],
  ['webx4', { role: 'web' }],
  ['db-1', { role: 'db', zone: 'eu' }],
];

describeOnEachStore('consumer selectors', (ctx) => {
  before(async () => {
    for (const [consumerId, labels] of FLEET) await call(ctx().clients.consumers, 'registerConsumer', { consumerId, labels });
  });

  const ids = async (labelSelector: string[], consumerIdPattern = '') => (await call(ctx().clients.consumers, 'listConsumers', { labelSelector, consumerIdPattern })).consumers.map((c) => c.id);

  it('ListConsumers: =, ==, !=, in, notin, existence and its negation, ANDed', async () => {
    assert.deepEqual(await ids(['role=web']), ['web-1', 'web-2', 'web_3', 'webx4']);
    assert.deepEqual(await ids(['role==db']), ['db-1']);
    // A consumer without the label matches != and notin, as in Kubernetes.
    assert.deepEqual(await ids(['zone!=eu']), ['web-2', 'web_3', 'webx4']);
    assert.deepEqual(await ids(['zone in (eu,ap)']), ['db-1', 'web-1', 'web_3']);
    assert.deepEqual(await ids(['zone notin (eu, ap)']), ['web-2', 'webx4']);
    assert.deepEqual(await ids(['canary']), ['web-2']);
    assert.deepEqual(await ids(['!canary', 'zone']), ['db-1', 'web-1', 'web_3']);
    assert.deepEqual(await ids(['role=web, !canary, zone notin (ap)']), ['web-1', 'webx4']);
  });

  it('ListConsumers: a consumer id glob, where "_" and "-" are themselves', async () => {
    assert.deepEqual(await ids([], 'web-*'), ['web-1', 'web-2']);
    assert.deepEqual(await ids([], 'web_*'), ['web_3'], '"_" is not a one-character wildcard');
    assert.deepEqual(await ids([], 'web?4'), ['webx4']);
    assert.deepEqual(await ids([], 'web??'), ['web-1', 'web-2', 'web_3', 'webx4']);
    assert.deepEqual(await ids(['zone=eu'], '*-1'), ['db-1', 'web-1']);
    const err = await expectStatus(call(ctx().clients.consumers, 'listConsumers', { consumerIdPattern: 'web-%' }), grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /^consumer_id_pattern: "web-%" is not a consumer id pattern/);
  });

  it('CreateTaskGroup picks consumers by selector and glob; nothing matching is FAILED_PRECONDITION and writes nothing', async () => {
    const { groupId, tasks } = await call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['role=web', '!canary'], consumerIdPattern: 'web-*', template: { method: 'system.info' } });
    assert.deepEqual(tasks.map((t) => t.consumerId), ['web-1']);
    assert.equal((await call(ctx().clients.tasks, 'getTaskGroup', { groupId })).group!.total, 1);

    const { knex } = ctx().server.db;
    const before = Number((await knex('tasks').count({ n: '*' }))[0].n);
    const none = await expectStatus(call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['role in (mail,dns)'], consumerIdPattern: 'web-*', template: { method: 'system.info' } }), grpc.status.FAILED_PRECONDITION);
    assert.equal(none.details, 'no consumer matches role in (mail,dns), id web-*');
    assert.equal(Number((await knex('tasks').count({ n: '*' }))[0].n), before, 'no task, so no group id to watch');

    const bad = await expectStatus(call(ctx().clients.tasks, 'createTaskGroup', { consumerSelector: ['role=web', 'zone in eu'], template: { method: 'system.info' } }), grpc.status.INVALID_ARGUMENT);
    assert.match(bad.details, /^consumer_selector\[1\]: "zone in eu" is not a selector term/);
    const nothing = await expectStatus(call(ctx().clients.tasks, 'createTaskGroup', { template: { method: 'system.info' } }), grpc.status.INVALID_ARGUMENT);
    assert.match(nothing.details, /^consumer_selector: is required \(or consumer_id_pattern\)/);
  });

  it('a schedule keeps its selector and glob as written', async () => {
    const spec = { cron: '0 2 * * *', timeZone: 'UTC', taskTemplate: { method: 'system.info' }, target: { consumerSelector: ['role in (web,db)', '!canary'], consumerIdPattern: '*-1' } };
    const { schedule } = await call(ctx().clients.schedules, 'createSchedule', { spec, paused: true });
    const stored = (await call(ctx().clients.schedules, 'getSchedule', { scheduleId: schedule!.id })).schedule!;
    assert.deepEqual(stored.spec!.target!.consumerSelector, ['role in (web,db)', '!canary']);
    assert.equal(stored.spec!.target!.consumerIdPattern, '*-1');
    await call(ctx().clients.schedules, 'deleteSchedule', { scheduleId: schedule!.id });
  });

  it('the CLI: consumer list --label/--id, and a fan-out that matches nothing exits 4 without a group id', async () => {
    const env = { TASKPLANE_SERVER: ctx().address, TASKPLANE_TOKEN: ctx().token };
    const listed = await runCli(['consumer', 'list', '--label', 'zone notin (us)', '--label', '!canary', '--id', 'web*', '--output', 'json'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).consumers.map((c: { id: string }) => c.id), ['web-1', 'web_3', 'webx4']);

    const empty = await runCli(['task', 'create', '--selector', 'role=nothing', '--id', 'web-*', '--method', 'system.info'], env);
    assert.equal(empty.code, 4);
    assert.equal(empty.stdout, '');
    assert.equal(empty.stderr.trim(), 'error: FAILED_PRECONDITION: no consumer matches role=nothing, id web-*');

    const fanOut = await runCli(['task', 'create', '--id', 'web-?', '--selector', 'canary', '--method', 'system.info', '--output', 'json'], env);
    assert.equal(fanOut.code, 0, fanOut.stderr);
    assert.deepEqual(JSON.parse(fanOut.stdout).tasks.map((t: { consumerId: string }) => t.consumerId), ['web-2']);
  });
});
