import assert from 'node:assert/strict';
import { call } from '../client/client';
import { FakeAgent } from './helpers/fake-agent';
import { describeOnEachStore, eventually } from './helpers/server';
import { startAgentProcess } from './helpers/agent-process';

const ms = (t: { seconds: string | number; nanos: number } | null | undefined) => (t ? Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6) : null);

describeOnEachStore(
  'consumer last seen',
  (ctx) => {
    it('advances with the agent\'s heartbeats while it stays connected, without a reconnect', async () => {
      const { credential } = await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'seen-1' });
      const agent = new FakeAgent(ctx().address, 'seen-1', credential);
      try {
        await agent.next('welcome', (m) => Boolean(m.welcome));
        const lastSeen = async () => (await call(ctx().clients.consumers, 'getConsumer', { consumerId: 'seen-1' })).consumer!;
        const atConnect = ms((await lastSeen()).lastSeenTime)!;
        assert.ok(atConnect > 0);
        const advanced = await eventually('last seen to move past the connect time', async () => {
          agent.send({ heartbeat: { sendTime: { seconds: String(Math.floor(Date.now() / 1000)), nanos: 0 } } });
          const consumer = await lastSeen();
          return ms(consumer.lastSeenTime)! > atConnect && consumer;
        });
        assert.equal(advanced.online, true);
        assert.equal(agent.ended, null, 'the same stream, never reconnected');
      } finally {
        agent.close();
      }
    });

    it('advances with a real agent\'s own heartbeats', async () => {
      const { credential } = await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'seen-real' });
      const agent = await startAgentProcess(ctx().address, 'seen-real', credential);
      try {
        const lastSeen = async () => ms((await call(ctx().clients.consumers, 'getConsumer', { consumerId: 'seen-real' })).consumer!.lastSeenTime)!;
        const atConnect = await lastSeen();
        await eventually('last seen to move past the connect time', async () => (await lastSeen()) > atConnect);
        assert.equal(agent.output().match(/"event":"agent\.connected"/g)?.length, 1, 'connected once');
      } finally {
        await agent.stop();
      }
    });
  },
  // Heartbeats every 200 ms (the server tells the agent in its welcome) and last-seen passes every 50 ms, so the test is quick.
  { agents: { lastSeenIntervalMs: 50, heartbeatIntervalMs: 200 } },
);
