import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Agent } from '../agent/agent';
import { PluginRegistry } from '../agent/plugin-api';
import { loadTaskplaneProtos } from '../protos/loader';
import type { ConnectRequest__Output } from '../protos/generated/taskplane/v1/ConnectRequest';
import type { ConnectResponse } from '../protos/generated/taskplane/v1/ConnectResponse';
import { tempDir } from './helpers/agent-process';
import { eventually, testLogger } from './helpers/server';

/**
 * The shipped agent against a hand-driven server on a real stream: the
 * server sends exactly the repeated requests that reconnect churn produces,
 * and the agent must run each task id once (guarantee 2).
 */
describe('the agent, sent one request twice back to back', function () {
  let server: grpc.Server;
  let address: string;
  const received: ConnectRequest__Output[] = [];
  let onHello: (stream: grpc.ServerDuplexStream<ConnectRequest__Output, ConnectResponse>) => void = () => {};

  before(async () => {
    const protos = loadTaskplaneProtos();
    server = new grpc.Server();
    server.addService(protos.taskplane.v1.AgentService.service, {
      Connect: (stream: grpc.ServerDuplexStream<ConnectRequest__Output, ConnectResponse>) => {
        stream.on('data', (message: ConnectRequest__Output) => {
          received.push(message);
          if (message.hello) onHello(stream);
        });
        stream.on('error', () => {});
      },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    address = `127.0.0.1:${port}`;
  });
  after(() => server.forceShutdown());

  it('runs the handler once, and answers both copies', async () => {
    let runs = 0;
    const plugins = new PluginRegistry().register('testing', {
      count: async () => {
        runs++;
        return { runs };
      },
    });
    const taskId = crypto.randomUUID();
    onHello = (stream) => {
      stream.write({ welcome: { serverId: 'fake', heartbeatIntervalDuration: { seconds: '10' }, livenessTimeoutDuration: { seconds: '30' } } });
      const request = { taskRequest: { taskId, method: 'testing.count', argumentsJson: '{}', attempt: 1 } };
      // Two copies in one burst: the second arrives while the first's journal write is on its way to disk.
      stream.write(request);
      stream.write({ taskRequest: { ...request.taskRequest, attempt: 2 } });
    };
    const agent = new Agent({ server: address, consumerId: 'dup-host', token: 'not-checked-here', stateDir: tempDir('dup-agent'), plugins, logger: testLogger });
    const running = agent.run();
    try {
      await eventually('the reply', async () => received.some((m) => m.reply?.taskId === taskId));
      assert.equal(runs, 1, 'the handler ran once');
      assert.equal(received.filter((m) => m.reply?.taskId === taskId).length, 1, 'one reply: the second copy found the task running');
    } finally {
      await agent.stop();
      await running;
    }
  });
});
