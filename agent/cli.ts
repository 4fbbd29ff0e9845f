import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../common/command';
import { EXIT, UsageError } from '../common/exit-codes';
import { createLogger } from '../common/log';
import { Agent, parseServerList } from './agent';
import { PluginRegistry } from './plugin-api';
import { packagesPlugin } from './plugins/packages';
import { systemPlugin } from './plugins/system';
import { resolveStateDir } from './state-dir';

const AGENT_USAGE = `taskplane agent --consumer ID (--token CREDENTIAL | --token-file PATH | --tls-cert FILE --tls-key FILE) [flags]

Runs the agent of one managed host: holds a stream to a server, runs the
tasks it is sent, and reconnects with backoff when the stream breaks.

  --server ADDRESS[,ADDRESS...]
                           TASKPLANE_SERVER       default 127.0.0.1:50051; host:port, dns:host:port,
                           https://host:port (TLS) or http://host:port. Several servers of one
                           installation: the agent starts at a random one and moves to the next
                           on each reconnect (repeat --server or separate with commas)
  --consumer ID            TASKPLANE_CONSUMER     the consumer this host was registered as
  --token CREDENTIAL       TASKPLANE_TOKEN        from "taskplane consumer register"
  --token-file PATH        TASKPLANE_TOKEN_FILE   read the credential from a file (keeps it out of ps)
  --tls-ca FILE            TASKPLANE_TLS_CA       trust this CA (turns TLS on)
  --tls-cert FILE          TASKPLANE_CLIENT_TLS_CERT  this host's certificate, with --tls-key FILE
                           (TASKPLANE_CLIENT_TLS_KEY), for a server that requires mutual TLS; if
                           its subject CN is the consumer id, no credential is needed
  --state-dir DIR          TASKPLANE_STATE_DIR    holds the journal; one per consumer. Default:
                           $STATE_DIRECTORY/agent/<consumer> under systemd, else
                           /var/lib/taskplane/agent/<consumer> as root, else
                           $XDG_STATE_HOME/taskplane/agent/<consumer> (~/.local/state/...)
  --concurrency N          TASKPLANE_CONCURRENCY  tasks run at once (default 1)
  --allow-command PROG     TASKPLANE_ALLOW_COMMANDS (comma-separated)
                           enables system.run for these programs only; off by default
  --plugin MODULE          TASKPLANE_PLUGINS (comma-separated)
                           a module exporting register(registry: PluginRegistry)
  --shutdown-grace SECONDS TASKPLANE_SHUTDOWN_GRACE time for running tasks on SIGTERM (default 30)

Built-in methods: packages.install, packages.update, packages.uninstall,
packages.list (apt/dpkg or dnf/rpm; {"dry_run": true} only simulates),
system.info, and system.run with --allow-command. The state directory is
logged at start. Exits 6 if the server refuses the credential, 4 if another
agent connected as the same consumer, 2 if the state directory holds another
consumer's journal.`;

/** `taskplane agent`: runs the agent of this host until SIGTERM or SIGINT, or until the server refuses it for good. */
export const agentCommand: Command = { usage: AGENT_USAGE, run: runAgent };

async function runAgent(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: 'string', multiple: true },
      consumer: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'tls-ca': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'state-dir': { type: 'string' },
      concurrency: { type: 'string' },
      'allow-command': { type: 'string', multiple: true },
      plugin: { type: 'string', multiple: true },
      'shutdown-grace': { type: 'string' },
    },
  });
  const env = process.env;
  for (const [name, value] of Object.entries(values)) {
    const texts = Array.isArray(value) ? value : [value];
    if (texts.some((text) => typeof text === 'string' && text.trim() === '')) throw new UsageError(`agent: --${name} needs a value, not an empty string`);
  }
  const consumerId = values.consumer ?? env.TASKPLANE_CONSUMER;
  if (!consumerId) throw new UsageError('agent: --consumer (or TASKPLANE_CONSUMER) is required');
  // Flags win over the environment: with TASKPLANE_TOKEN holding an API token in the shell, --token-file still decides.
  const token = (
    values.token ??
    (values['token-file'] !== undefined ? readCredentialFile('--token-file', values['token-file']) : undefined) ??
    env.TASKPLANE_TOKEN ??
    (env.TASKPLANE_TOKEN_FILE ? readCredentialFile('TASKPLANE_TOKEN_FILE', env.TASKPLANE_TOKEN_FILE) : '')
  ).trim();
  const tls = {
    caFile: values['tls-ca'] ?? env.TASKPLANE_TLS_CA ?? null,
    certFile: values['tls-cert'] ?? env.TASKPLANE_CLIENT_TLS_CERT ?? null,
    keyFile: values['tls-key'] ?? env.TASKPLANE_CLIENT_TLS_KEY ?? null,
  };
  if (!token && !tls.certFile) throw new UsageError('agent: --token, --token-file (or TASKPLANE_TOKEN), or a client certificate (--tls-cert, --tls-key) naming the consumer, is required');
  const concurrency = positiveInt('concurrency', values.concurrency ?? env.TASKPLANE_CONCURRENCY ?? '1');
  const graceSeconds = positiveInt('shutdown-grace', values['shutdown-grace'] ?? env.TASKPLANE_SHUTDOWN_GRACE ?? '30');
  const allowed = values['allow-command'] ?? listFromEnv(env.TASKPLANE_ALLOW_COMMANDS);
  const plugins = new PluginRegistry().register('packages', packagesPlugin()).register('system', systemPlugin(allowed));
  for (const modulePath of values.plugin ?? listFromEnv(env.TASKPLANE_PLUGINS)) {
    const mod = loadPlugin(modulePath);
    if (typeof mod.register !== 'function') throw new UsageError(`agent: plugin ${modulePath} does not export register(registry)`);
    mod.register(plugins);
  }
  let servers: string[];
  try {
    servers = parseServerList(values.server ?? env.TASKPLANE_SERVER ?? '127.0.0.1:50051');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const logger = createLogger({ name: 'taskplane-agent' });
  const agent = new Agent({
    server: servers,
    consumerId,
    token,
    tls,
    stateDir: resolveStateDir(values['state-dir'] ?? env.TASKPLANE_STATE_DIR, consumerId, env),
    plugins,
    logger,
    concurrency,
    shutdownGraceMs: graceSeconds * 1000,
  });
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ event: 'agent.stopping', signal }, 'agent stopping');
    // The same promise is awaited after run() returns, where a failure is reported.
    agent.stop().catch(() => {});
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const exit = await agent.run();
  await agent.stop();
  logger.info({ event: 'agent.stopped', reason: exit.reason }, 'agent stopped');
  logger.flush();
  return exit.reason === 'unauthenticated' ? EXIT.DENIED : exit.reason === 'replaced' ? EXIT.CONFLICT : EXIT.OK;
}

/** The credential file a flag (or variable) names; a file that cannot be read is a usage mistake naming it. */
function readCredentialFile(flag: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`agent: ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A --plugin module; one that cannot be loaded is refused in one line (not Node's require stack). */
function loadPlugin(modulePath: string): { register?: (registry: PluginRegistry) => void } {
  try {
    return require(path.resolve(modulePath));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'MODULE_NOT_FOUND' && e.message.includes(path.resolve(modulePath)) ? 'no such module' : (e.message ?? String(err)).split('\n')[0];
    throw new UsageError(`agent: --plugin ${modulePath}: ${why}`);
  }
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`agent: --${flag} must be a positive integer, not "${text}"`);
  return n;
}

function listFromEnv(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}
