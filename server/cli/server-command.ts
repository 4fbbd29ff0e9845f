import { parseArgs } from 'node:util';
import { serverConfig, type ServerFlags } from '../config';
import { TaskplaneServer } from '../server';
import type { Command } from '../../shared/command';
import { createLogger } from '../../shared/log';

const SERVER_USAGE = `taskplane server [--listen HOST:PORT] [--database-url URL] [--migrate] [--shutdown-timeout SECONDS]

  --listen            TASKPLANE_LISTEN        default 127.0.0.1:50051
  --database-url      TASKPLANE_DATABASE_URL  sqlite:PATH or mysql://user:pass@host:port/db
                                              default sqlite:./data/taskplane.sqlite
  --migrate           TASKPLANE_MIGRATE=1     apply pending migrations at start (always done on SQLite)
  --shutdown-timeout  TASKPLANE_SHUTDOWN_TIMEOUT  seconds to finish calls on SIGTERM (default 10)
  --database-pool-max TASKPLANE_DATABASE_POOL_MAX  MySQL connections per server (default 10)
  --agent-liveness-timeout  TASKPLANE_AGENT_LIVENESS_TIMEOUT
                      seconds of silence after which an agent stream is released (default 30)
  --cluster-listen    TASKPLANE_CLUSTER_LISTEN     HOST:PORT of the internal service other servers call
                                              (default: the --listen host, a free port)
  --cluster-advertise TASKPLANE_CLUSTER_ADVERTISE  HOST:PORT other servers dial to reach it
                                              (default: the bound internal address)
  --server-lease      TASKPLANE_SERVER_LEASE  seconds a server's lease lasts unrenewed; when it lapses,
                                              other servers mark its agent streams gone (default 10)
  --abandon-after     TASKPLANE_ABANDON_AFTER  seconds an agent has to answer a request to
                      stop a task it holds (CancelTask, or the task's timeout) before the
                      task ends FAILED with error type OutcomeUnknown (default 3600)`;

/** `taskplane server`: runs the control plane until SIGTERM or SIGINT, then stops in order and exits. */
export const serverCommand: Command = {
  usage: SERVER_USAGE,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        listen: { type: 'string' },
        'database-url': { type: 'string' },
        migrate: { type: 'boolean' },
        'shutdown-timeout': { type: 'string' },
        'agent-liveness-timeout': { type: 'string' },
        'database-pool-max': { type: 'string' },
        'cluster-listen': { type: 'string' },
        'cluster-advertise': { type: 'string' },
        'server-lease': { type: 'string' },
        'abandon-after': { type: 'string' },
      },
    });
    return runServer(values);
  },
};

async function runServer(flags: ServerFlags): Promise<number> {
  const config = serverConfig(flags);
  const logger = createLogger();
  const server = await TaskplaneServer.start({
    ...config,
    logger,
    agents: { livenessTimeoutMs: config.agentLivenessTimeoutMs, heartbeatIntervalMs: Math.min(10_000, config.agentLivenessTimeoutMs / 3) },
    cluster: { listen: config.clusterListen ?? undefined, advertise: config.clusterAdvertise ?? undefined, leaseMs: config.serverLeaseMs },
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  // A second signal while stopping means "now".
  const forceExit = () => process.exit(130);
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
  await server.stop(signal);
  logger.flush();
  return 0;
}
