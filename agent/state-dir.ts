import os from 'node:os';
import path from 'node:path';

/**
 * Where an agent keeps its state (the journal) when --state-dir is not
 * given. It must not depend on the working directory: an agent started
 * again from elsewhere must find the journal of its earlier run, or it
 * would run a task again. In order:
 *   $STATE_DIRECTORY/agent/<consumer>   systemd's StateDirectory= (first entry)
 *   /var/lib/taskplane/agent/<consumer> as root
 *   $XDG_STATE_HOME/taskplane/agent/<consumer>, else
 *   ~/.local/state/taskplane/agent/<consumer>      the XDG base directory convention
 */
export function defaultStateDir(consumerId: string, env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? -1, home = os.homedir()): string {
  const systemd = env.STATE_DIRECTORY?.split(':')[0];
  if (systemd && path.isAbsolute(systemd)) return path.join(systemd, 'agent', consumerId);
  if (uid === 0) return path.join('/var/lib/taskplane/agent', consumerId);
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec: a relative XDG_STATE_HOME is invalid and ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'state');
  return path.join(base, 'taskplane', 'agent', consumerId);
}

/** The state directory to use: --state-dir (made absolute, so logs name it fully) or the default. */
export function resolveStateDir(given: string | undefined, consumerId: string, env: NodeJS.ProcessEnv = process.env): string {
  return given ? path.resolve(given) : defaultStateDir(consumerId, env);
}
