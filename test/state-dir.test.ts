import assert from 'node:assert/strict';
import { defaultStateDir, resolveStateDir } from '../agent/state-dir';

describe("the agent's state directory", () => {
  it('defaults to an absolute place that does not depend on the working directory', () => {
    assert.equal(defaultStateDir('web-3', {}, 0, '/root'), '/var/lib/taskplane/agent/web-3', 'root');
    assert.equal(defaultStateDir('web-3', {}, 1000, '/home/ops'), '/home/ops/.local/state/taskplane/agent/web-3');
    assert.equal(defaultStateDir('web-3', { XDG_STATE_HOME: '/srv/state' }, 1000, '/home/ops'), '/srv/state/taskplane/agent/web-3');
    assert.equal(defaultStateDir('web-3', { XDG_STATE_HOME: 'relative/state' }, 1000, '/home/ops'), '/home/ops/.local/state/taskplane/agent/web-3', 'a relative XDG_STATE_HOME is ignored');
    assert.equal(defaultStateDir('web-3', { STATE_DIRECTORY: '/var/lib/taskplane:/var/lib/other' }, 0, '/root'), '/var/lib/taskplane/agent/web-3', "systemd's StateDirectory= first");
  });

  it('makes a given --state-dir absolute', () => {
    assert.equal(resolveStateDir('/abs/dir', 'web-3', {}), '/abs/dir');
    assert.equal(resolveStateDir('rel/dir', 'web-3', {}), `${process.cwd()}/rel/dir`);
  });
});
