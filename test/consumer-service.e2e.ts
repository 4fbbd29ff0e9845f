import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { describeOnEachStore, expectStatus } from './helpers/server';

describeOnEachStore('ConsumerService', (ctx) => {
  it('registers a consumer and returns its credential once, keeping only a hash', async () => {
    const { consumer, credential } = await call(ctx().clients.consumers, 'registerConsumer', {
      consumerId: 'web-1',
      displayName: 'Web server 1',
      labels: { role: 'web', zone: 'eu-1' },
    });
    assert.equal(consumer!.id, 'web-1');
    assert.equal(consumer!.displayName, 'Web server 1');
    assert.deepEqual(consumer!.labels, { role: 'web', zone: 'eu-1' });
    assert.match(credential, /^tpc_[A-Za-z0-9_-]{43}$/);
    const row = await ctx().server.db.knex('consumers').where({ id: 'web-1' }).first();
    assert.equal(row.credential_hash, crypto.createHash('sha256').update(credential).digest('hex'));
    assert.ok(!JSON.stringify(row).includes(credential), 'the credential itself is not stored');
    const { consumer: read } = await call(ctx().clients.consumers, 'getConsumer', { consumerId: 'web-1' });
    assert.deepEqual(read, consumer);
  });

  it('refuses a second registration of the same id with ALREADY_EXISTS', async () => {
    await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'dup-1' });
    const err = await expectStatus(call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'dup-1' }), grpc.status.ALREADY_EXISTS);
    assert.match(err.details, /consumer_id/);
  });

  it('accepts only the credential it issued, and none after unregistration', async () => {
    const { credential } = await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'auth-1' });
    await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'auth-2' });
    const consumers = ctx().server.consumers;
    assert.equal(await consumers.verifyCredential('auth-1', credential), true);
    assert.equal(await consumers.verifyCredential('auth-2', credential), false, "another consumer's credential");
    assert.equal(await consumers.verifyCredential('auth-1', `${credential}x`), false);
    assert.equal(await consumers.verifyCredential('auth-1', ''), false);
    await call(ctx().clients.consumers, 'deleteConsumer', { consumerId: 'auth-1' });
    assert.equal(await consumers.verifyCredential('auth-1', credential), false);
  });

  it('lists consumers by label, a page at a time, each once', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `fleet-${String(i).padStart(2, '0')}`);
    for (const [i, id] of ids.entries()) {
      await call(ctx().clients.consumers, 'registerConsumer', { consumerId: id, labels: { role: i % 3 === 0 ? 'build' : 'web', fleet: 'f1' } });
    }
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await call(ctx().clients.consumers, 'listConsumers', { labelSelector: ['fleet=f1'], pageSize: 5, pageToken });
      seen.push(...page.consumers.map((c) => c.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    assert.deepEqual(seen, ids);
    const builds = await call(ctx().clients.consumers, 'listConsumers', { labelSelector: ['fleet=f1', 'role=build'] });
    assert.deepEqual(builds.consumers.map((c) => c.id), ['fleet-00', 'fleet-03', 'fleet-06', 'fleet-09']);
  });

  it('unregisters: cancels its waiting tasks, records the event, keeps the history', async () => {
    await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'gone-1' });
    const { task } = await call(ctx().clients.tasks, 'createTask', { consumerId: 'gone-1', method: 'packages.install', argumentsJson: '{"packages":["zsh"]}' });
    await call(ctx().clients.consumers, 'deleteConsumer', { consumerId: 'gone-1' });
    await expectStatus(call(ctx().clients.consumers, 'getConsumer', { consumerId: 'gone-1' }), grpc.status.NOT_FOUND);
    const { task: after } = await call(ctx().clients.tasks, 'getTask', { taskId: task!.id });
    assert.equal(after!.state, 'TASK_STATE_CANCELED');
    assert.match(after!.error!.message, /unregistered/);
    const { events } = await call(ctx().clients.consumers, 'listConsumerHistory', { consumerId: 'gone-1' });
    assert.deepEqual(events.map((e) => e.type), ['unregistered', 'registered']);
    await expectStatus(call(ctx().clients.consumers, 'deleteConsumer', { consumerId: 'gone-1' }), grpc.status.NOT_FOUND);
  });

  it('lists history newest first, filtered by type and time, paged', async () => {
    await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'hist-1' });
    // History rows written by success hooks (agents issue) look like these.
    const knex = ctx().server.db.knex;
    const base = Date.now();
    await knex('consumer_history').insert(
      Array.from({ length: 9 }, (_, i) => ({
        consumer_id: 'hist-1',
        type: i % 3 === 0 ? 'packages_installed' : 'packages_updated',
        event_time: base + (i + 1) * 1000,
        task_id: crypto.randomUUID(),
        details_json: JSON.stringify({ packages: [`p${i}`] }),
      })),
    );
    const all: string[] = [];
    let pageToken = '';
    do {
      const page = await call(ctx().clients.consumers, 'listConsumerHistory', { consumerId: 'hist-1', pageSize: 4, pageToken });
      all.push(...page.events.map((e) => e.type));
      pageToken = page.nextPageToken;
    } while (pageToken);
    assert.equal(all.length, 10);
    assert.equal(all[9], 'registered');
    const installed = await call(ctx().clients.consumers, 'listConsumerHistory', { consumerId: 'hist-1', types: ['packages_installed'] });
    assert.deepEqual(installed.events.map((e) => JSON.parse(e.detailsJson).packages[0]), ['p6', 'p3', 'p0']);
    const window = await call(ctx().clients.consumers, 'listConsumerHistory', {
      consumerId: 'hist-1',
      eventTimeFrom: { seconds: String(Math.floor((base + 2000) / 1000)), nanos: ((base + 2000) % 1000) * 1e6 },
      eventTimeTo: { seconds: String(Math.floor((base + 5000) / 1000)), nanos: ((base + 5000) % 1000) * 1e6 },
    });
    assert.equal(window.events.length, 3);
  });

  it('answers NOT_FOUND for the history of a consumer that never existed', async () => {
    const err = await expectStatus(call(ctx().clients.consumers, 'listConsumerHistory', { consumerId: 'never-was' }), grpc.status.NOT_FOUND);
    assert.match(err.details, /consumer_id/);
  });
});
