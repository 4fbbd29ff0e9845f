import { parseArgs } from 'node:util';
import { redactDatabaseUrl, serverConfig, type ServerFlags } from '../config';
import { TaskplaneServer } from '../server';
import type { Command } from '../../common/command';
import { createLogger } from '../../common/log';
import { flagError, readFlags } from './flag-errors';

const SERVER_USAGE = `taskplane server [--listen HOST:PORT] [--http-listen HOST:PORT] [--database-url URL] [--migrate] [--tls-cert FILE --tls-key FILE] [flags]

  --listen            TASKPLANE_LISTEN        default 127.0.0.1:50051; an address other than
                                              loopback needs TLS (or --insecure)
  --http-listen       TASKPLANE_HTTP_LISTEN   the console, /metrics, /healthz and /readyz;
                                              default 127.0.0.1:8080, empty for none
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
                      task ends FAILED with error type OutcomeUnknown (default 3600)
  --tls-cert FILE     TASKPLANE_TLS_CERT      serve TLS with this certificate (PEM, chain first)
  --tls-key FILE      TASKPLANE_TLS_KEY       and its private key; both are read again on SIGHUP
  --tls-client-ca FILE  TASKPLANE_TLS_CLIENT_CA  mutual TLS: every client and agent must present a
                      certificate signed by this CA; an agent's whose subject CN is its consumer id
                      needs no credential
  --insecure          TASKPLANE_INSECURE=1    allow plaintext on an address other than loopback
  --create-rate-limit TASKPLANE_CREATE_RATE_LIMIT  create calls per second per API token (default
                      200, bursts of twice that; 0: no limit); RESOURCE_EXHAUSTED beyond it

  Every call needs an API token (taskplane token --help). The first start on the
  embedded SQLite store prints one admin token, once; another, at any time:
  taskplane token create --bootstrap --name NAME --role admin --database-url URL`;

/** `taskplane server`: runs the control plane until SIGTERM or SIGINT, then stops in order and exits. */
export const serverCommand: Command = {
  usage: SERVER_USAGE,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        listen: { type: 'string' },
        'http-listen': { type: 'string' },
        'database-url': { type: 'string' },
        migrate: { type: 'boolean' },
        'shutdown-timeout': { type: 'string' },
        'agent-liveness-timeout': { type: 'string' },
        'database-pool-max': { type: 'string' },
        'cluster-listen': { type: 'string' },
        'cluster-advertise': { type: 'string' },
        'server-lease': { type: 'string' },
        'abandon-after': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-client-ca': { type: 'string' },
        insecure: { type: 'boolean' },
        'create-rate-limit': { type: 'string' },
      },
    });
    return runServer(values);
  },
};

async function runServer(flags: ServerFlags): Promise<number> {
  const config = readFlags(() => serverConfig(flags));
  const logger = createLogger();
  // A flag refused only as the server starts (an address it may not serve plaintext on) is a usage mistake too.
  const server = await TaskplaneServer.start({
    ...config,
    logger,
    agents: { livenessTimeoutMs: config.agentLivenessTimeoutMs, heartbeatIntervalMs: Math.min(10_000, config.agentLivenessTimeoutMs / 3) },
    cluster: { listen: config.clusterListen ?? undefined, advertise: config.clusterAdvertise ?? undefined, leaseMs: config.serverLeaseMs },
    // On stdout, for the person who ran `npm start`; never in the log.
    onFirstAdminToken: ({ token, secret }) =>
      process.stdout.write(
        [
          '',
          `First start on this database: an admin API token (${token.id}), shown only this once (the server keeps only its hash):`,
          '',
          `  export TASKPLANE_TOKEN=${secret}`,
          '',
          `Another one, at any time: taskplane token create --bootstrap --name NAME --role admin --database-url ${redactDatabaseUrl(config.databaseUrl)}`,
          '',
          '',
        ].join('\n'),
      ),
  }).catch((err: unknown) => {
    throw flagError(err);
  });
  // SIGHUP: read the certificate files again (short-lived certificates); a bad file keeps the old ones.
  const onHangUp = () => void server.reloadTls();
  process.on('SIGHUP', onHangUp);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  // A second signal while stopping means "now".
  const forceExit = () => process.exit(130);
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
  process.off('SIGHUP', onHangUp);
  await server.stop(signal);
  logger.flush();
  return 0;
}
