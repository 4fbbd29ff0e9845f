/**
 * The bench's agents process: N real Agent instances (agent/agent.ts) in one
 * Node process, one per consumer, each with its own state directory (its own
 * journal, fsynced as in production) and its own gRPC stream to the server.
 *
 * Started by bench/run.ts with an IPC channel. Protocol:
 *   parent -> {type: 'start', server, stateRoot, concurrency, agents: [{consumerId, token}]}
 *   child  -> {type: 'started', count}
 *   parent -> {type: 'stop'}        (or SIGTERM/SIGINT, or the parent going away)
 *   child  -> {type: 'stopped', exits}, then exits 0
 *
 * Plugins are trivial so that the bench measures taskplane, not the work:
 *   bench.noop        returns {}
 *   packages.install  a fake that returns {changed: []} (the server's
 *                     success hook still writes consumer history for it)
 */
import path from 'node:path';
import { Agent, type AgentExit } from '../agent/agent';
import { PluginRegistry } from '../agent/plugin-api';
import { createLogger } from '../common/log';

export interface StartMessage {
  type: 'start';
  server: string;
  stateRoot: string;
  concurrency: number;
  agents: Array<{ consumerId: string; token: string }>;
}

export type AgentsProcessMessage = { type: 'started'; count: number } | { type: 'stopped'; exits: Record<string, number> } | { type: 'failed'; error: string };

function benchPlugins(): PluginRegistry {
  return new PluginRegistry()
    .register('bench', { noop: { rerunSafe: true, run: async () => ({}) } })
    .register('packages', { install: async () => ({ changed: [] }) });
}

function send(message: AgentsProcessMessage): void {
  if (process.connected) process.send!(message);
}

const agents: Agent[] = [];
const runs: Array<Promise<AgentExit>> = [];
let stopping: Promise<void> | null = null;

function stopAll(): Promise<void> {
  stopping ??= (async () => {
    // Never linger, whatever an agent does.
    setTimeout(() => process.exit(1), 10_000).unref();
    await Promise.allSettled(agents.map((a) => a.stop()));
    const exits: Record<string, number> = {};
    for (const r of await Promise.allSettled(runs)) {
      const reason = r.status === 'fulfilled' ? r.value.reason : 'error';
      exits[reason] = (exits[reason] ?? 0) + 1;
    }
    send({ type: 'stopped', exits });
    // Let the IPC message leave, then exit (which also writes a --cpu-prof profile).
    setTimeout(() => process.exit(0), 100);
  })();
  return stopping;
}

function start(message: StartMessage): void {
  const logger = createLogger({ level: 'warn', name: 'bench-agents' });
  const plugins = benchPlugins();
  for (const { consumerId, token } of message.agents) {
    const agent = new Agent({
      server: message.server,
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
    runs.push(
      agent.run().then((exit) => {
        if (exit.reason !== 'stopped' && !stopping) logger.error({ event: 'bench.agent_exit', consumerId, exit }, 'agent ended before the bench stopped it');
        return exit;
      }),
    );
  }
  send({ type: 'started', count: agents.length });
}

process.on('message', (message: StartMessage | { type: 'stop' }) => {
  try {
    if (message.type === 'start') start(message);
    else if (message.type === 'stop') void stopAll();
  } catch (err) {
    send({ type: 'failed', error: (err as Error)?.stack ?? String(err) });
    process.exit(1);
  }
});
process.once('SIGTERM', () => void stopAll());
process.once('SIGINT', () => void stopAll());
// The bench went away (crash, kill -9): do not linger.
process.once('disconnect', () => void stopAll());
