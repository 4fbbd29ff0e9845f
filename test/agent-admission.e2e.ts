import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../client/client';
import { FakeAgent } from './helpers/fake-agent';
import { describeOnEachStore, eventually } from './helpers/server';

describeOnEachStore(
  'agent streams admitted a bounded number at a time',
  (ctx) => {
    it('refuses a stream past the waiting bound with RESOURCE_EXHAUSTED, and admits again once the one in progress is done', async () => {
      const t = ctx();
      const credential = async (consumerId: string) => (await call(t.clients.consumers, 'registerConsumer', { consumerId })).credential;
      const [slow, refused, later] = [await credential('admit-slow'), await credential('admit-refused'), await credential('admit-later')];
      // Holds the one admission: authenticated, the server waits for its hello.
      const first = new FakeAgent(t.address, 'admit-slow', slow, null);
      const agents = [first];
      try {
        await eventually('the first stream to be authenticated and waiting for its hello', async () => {
          const second = new FakeAgent(t.address, 'admit-refused', refused);
          agents.push(second);
          const ended = await eventually('the second stream to end', async () => second.ended);
          return ended.code === grpc.status.RESOURCE_EXHAUSTED && /being admitted/.test(ended.details) ? ended : null;
        });
        const consumer = await call(t.clients.consumers, 'getConsumer', { consumerId: 'admit-refused' });
        assert.equal(consumer.consumer?.online, false, 'a refused stream changes nothing');

        first.send({ hello: { agentVersion: 'fake/1', concurrency: 1, capabilities: [] } });
        await first.next('the welcome of the admitted stream', (m) => m.welcome != null);
        // Its admission ends once it is sent what it is owed, just after its welcome: a stream may need a retry, as an agent would.
        await eventually('a stream admitted after it', async () => {
          const third = new FakeAgent(t.address, 'admit-later', later);
          agents.push(third);
          return third.next('its welcome', (m) => m.welcome != null).catch(() => null);
        });
      } finally {
        for (const agent of agents) agent.close();
      }
    });
  },
  { agentAdmission: { maxActive: 1, maxWaiting: 0 } },
);
