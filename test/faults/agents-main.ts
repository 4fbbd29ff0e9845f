/**
 * One process of real agents for the fault suite (as bench/agents.ts does
 * for the bench): N Agent instances (agent/agent.ts), one per consumer,
 * each with its own journal and a stream to one of the servers it is given.
 * Their plugin is the testing plugin with the fake package manager, so each
 * execution of packages.install is appended to args.runs_file: the ground
 * truth for "executed twice", kept outside taskplane.
 *
 * Started with an IPC channel: parent -> {type: 'start', servers, stateRoot,
 * concurrency, agents}; child -> {type: 'started'}. Killed by the test
 * (SIGKILL, SIGSTOP) or stopped with SIGTERM.
 */
import path from 'node:path';
import { Agent } from '../../agent/agent';
import { PluginRegistry } from '../../agent/plugin-api';
import { createLogger } from '../../common/log';
import { register } from '../fixtures/testing-plugin';

export interface AgentsStart {
  type: 'start';
  servers: string[];
  stateRoot: string;
  concurrency: number;
  agents: Array<{ consumerId: string; token: string }>;
}

process.env.TASKPLANE_TEST_FAKE_PACKAGES = '1';
const agents: Agent[] = [];
let stopping: Promise<void> | null = null;

function stopAll(): Promise<void> {
  stopping ??= (async () => {
    setTimeout(() => process.exit(1), 10_000).unref();
    await Promise.allSettled(agents.map((a) => a.stop()));
    process.exit(0);
  })();
  return stopping;
}

process.on('message', (message: AgentsStart) => {
  if (message.type !== 'start') return;
  const logger = createLogger({ level: process.env.TASKPLANE_LOG_LEVEL ?? 'warn', name: 'fault-agents' });
  const plugins = new PluginRegistry();
  register(plugins);
  for (const { consumerId, token } of message.agents) {
    const agent = new Agent({
      server: message.servers,
      consumerId,
      token,
      stateDir: path.join(message.stateRoot, consumerId),
      plugins,
      logger: logger.child({ consumerId }),
      concurrency: message.concurrency,
      shutdownGraceMs: 2_000,
      backoffInitialMs: 200,
      backoffMaxMs: 2_000,
    });
    agents.push(agent);
    agent.run().then(
      (exit) => {
        if (exit.reason !== 'stopped') logger.error({ event: 'fault.agent_exit', consumerId, exit }, 'agent ended before it was stopped');
      },
      (err) => logger.error({ event: 'fault.agent_failed', consumerId, err }, 'agent failed'),
    );
  }
  process.send!({ type: 'started' });
});
process.once('SIGTERM', () => void stopAll());
process.once('disconnect', () => void stopAll());
