import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { timestampMs } from '../common/proto-time';
import { FakeAgent } from './helpers/fake-agent';
import { FakeClock } from './helpers/fake-clock';
import { describeOnEachStore, expectStatus } from './helpers/server';

/**
 * Agent credentials that can be rotated (the previous one keeps working for
 * a grace period, 24 h by default) and revoked (at once, ending the live
 * stream with UNAUTHENTICATED), on real AgentService streams.
 */

const HOUR = 3600_000;
/** The server's clock: grace periods end without waiting for them. */
const clock = new FakeClock(Date.parse('2026-12-01T00:00:00Z'));

describeOnEachStore(
  'agent credentials: rotation and revocation',
  (ctx) => {
    const agents: FakeAgent[] = [];
    async function connect(consumerId: string, credential: string): Promise<FakeAgent> {
      const agent = new FakeAgent(ctx().address, consumerId, credential);
      agents.push(agent);
      await agent.next('welcome', (m) => Boolean(m.welcome));
      return agent;
    }
    async function refused(consumerId: string, credential: string): Promise<grpc.StatusObject> {
      const agent = new FakeAgent(ctx().address, consumerId, credential);
      agents.push(agent);
      const status = await agent.closed();
      assert.equal(status.code, grpc.status.UNAUTHENTICATED, status.details);
      return status;
    }
    const register = async (consumerId: string) => (await call(ctx().clients.consumers, 'registerConsumer', { consumerId })).credential;
    const rotate = (consumerId: string, graceSeconds?: number) =>
      call(ctx().clients.consumers, 'rotateConsumerCredential', { consumerId, ...(graceSeconds === undefined ? {} : { graceDuration: { seconds: String(graceSeconds) } }) });
    afterEach(() => {
      for (const a of agents.splice(0)) a.close();
    });

    it('rotation issues a new credential and keeps the previous one for 24 hours by default', async () => {
      const old = await register('roll-1');
      const rotated = await rotate('roll-1');
      assert.match(rotated.credential, /^tpc_/);
      assert.notEqual(rotated.credential, old);
      assert.equal(timestampMs(rotated.previousCredentialExpireTime!), clock.now() + 24 * HOUR);
      assert.equal(timestampMs(rotated.consumer!.previousCredentialExpireTime!), clock.now() + 24 * HOUR);
      (await connect('roll-1', old)).close();
      (await connect('roll-1', rotated.credential)).close();

      clock.advance(24 * HOUR + 1000);
      const status = await refused('roll-1', old);
      assert.match(status.details, /invalid credential for consumer "roll-1"/);
      (await connect('roll-1', rotated.credential)).close();
    });

    it('a stream proven by the previous credential ends UNAUTHENTICATED when its grace period ends', async () => {
      const old = await register('roll-2');
      const agent = await connect('roll-2', old);
      await rotate('roll-2', 3600);
      clock.advance(HOUR + 1000);
      const ended = await agent.closed();
      assert.equal(ended.code, grpc.status.UNAUTHENTICATED);
      assert.match(ended.details, /revoked or its grace period ended/);
    });

    it('a grace of 0s ends the previous credential at once; rotating again within a grace period ends the older one', async () => {
      const first = await register('roll-3');
      const second = (await rotate('roll-3', 0)).credential;
      await refused('roll-3', first);
      const third = (await rotate('roll-3', 3600)).credential;
      await rotate('roll-3', 3600);
      await refused('roll-3', second);
      (await connect('roll-3', third)).close();
    });

    it('revocation ends the live stream at once and refuses every credential until a rotation issues a new one', async () => {
      const credential = await register('gone-1');
      const agent = await connect('gone-1', credential);
      const { consumer } = await call(ctx().clients.consumers, 'revokeConsumerCredential', { consumerId: 'gone-1' });
      assert.equal(consumer!.credentialRevoked, true);
      const ended = await agent.closed();
      assert.equal(ended.code, grpc.status.UNAUTHENTICATED);
      await refused('gone-1', credential);

      const rotated = await rotate('gone-1');
      assert.equal(rotated.previousCredentialExpireTime, null, 'a revoked credential gets no grace period');
      await refused('gone-1', credential);
      (await connect('gone-1', rotated.credential)).close();
      assert.equal((await call(ctx().clients.consumers, 'getConsumer', { consumerId: 'gone-1' })).consumer!.credentialRevoked, false);
    });

    it('revoking only the previous credential ends the streams on it and keeps the current one', async () => {
      const old = await register('half-1');
      const rotated = await rotate('half-1');
      const onOld = await connect('half-1', old);
      await call(ctx().clients.consumers, 'revokeConsumerCredential', { consumerId: 'half-1', previousOnly: true });
      assert.equal((await onOld.closed()).code, grpc.status.UNAUTHENTICATED);
      await refused('half-1', old);
      (await connect('half-1', rotated.credential)).close();
    });

    it('rotations and revocations are audited; a grace beyond 30 days is refused, changing nothing', async () => {
      await register('audit-1');
      await rotate('audit-1');
      await call(ctx().clients.consumers, 'revokeConsumerCredential', { consumerId: 'audit-1' });
      const { events } = await call(ctx().clients.audit, 'listAuditEvents', { resource: 'consumer/audit-1' });
      assert.deepEqual(events.map((e) => e.action), ['consumer.revoke_credential', 'consumer.rotate_credential', 'consumer.register']);
      const err = await expectStatus(rotate('audit-1', 31 * 24 * 3600), grpc.status.INVALID_ARGUMENT);
      assert.match(err.details, /^grace_duration: /);
      assert.equal((await call(ctx().clients.consumers, 'getConsumer', { consumerId: 'audit-1' })).consumer!.credentialRevoked, true);
    });

    it('a refused agent is recorded in the audit log, naming the consumer it claimed', async () => {
      await register('claim-1');
      await refused('claim-1', 'tpc_not-the-credential');
      const { events } = await call(ctx().clients.audit, 'listAuditEvents', { action: 'agent.connect', resource: 'consumer/claim-1' });
      assert.equal(events.length, 1);
      assert.equal(events[0].outcome, 'UNAUTHENTICATED');
      assert.equal(events[0].principalId, 'consumer:claim-1');
      assert.ok(!events[0].detailsJson.includes('tpc_not-the-credential'), 'the presented credential is not recorded');
    });
  },
  { clock, schedulerTicker: false, agents: { pollIntervalMs: 100 } },
);
