import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Journal } from '../agent/journal';
import { tempDir } from './helpers/agent-process';

describe('agent journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('journal');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('remembers accepted tasks, replies and acks across a reopen', async () => {
    const j = Journal.open(dir);
    await j.accepted('t1', 'packages.install');
    await j.replied('t1', { resultJson: '{"ok":1}' });
    await j.accepted('t2', 'testing.wait');
    await j.accepted('t3', 'testing.echo');
    await j.replied('t3', { error: { type: 'Boom', message: 'x', detailsJson: '' } });
    j.acked('t3');
    await j.accepted('t4', 'testing.echo');
    await j.forget('t4');
    await new Promise((resolve) => setImmediate(resolve));
    j.close();

    const again = Journal.open(dir);
    try {
      assert.deepEqual(again.get('t1')!.reply, { resultJson: '{"ok":1}' });
      assert.deepEqual(again.unfinished().map((e) => e.taskId), ['t2'], 'accepted without a reply: it was running when we stopped');
      assert.deepEqual(again.outbox().map((e) => e.taskId), ['t1'], 'replied and not acknowledged');
      assert.equal(again.get('t4'), undefined);
    } finally {
      again.close();
    }
  });

  it('ignores a torn last line left by a crash in the middle of a write', async () => {
    const j = Journal.open(dir);
    await j.accepted('t1', 'testing.echo');
    j.close();
    fs.appendFileSync(path.join(dir, 'journal.jsonl'), '{"t":"reply","id":"t1","rep');
    const again = Journal.open(dir);
    try {
      assert.equal(again.get('t1')!.reply, null);
    } finally {
      again.close();
    }
  });
});
