import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Journal, JournalOwnerError } from '../agent/journal';
import { tempDir } from './helpers/agent-process';

describe('agent journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('journal');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('remembers accepted tasks, replies and acks across a reopen', async () => {
    const j = Journal.open(dir, 'web-3');
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

    const again = Journal.open(dir, 'web-3');
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
    const j = Journal.open(dir, 'web-3');
    await j.accepted('t1', 'testing.echo');
    j.close();
    fs.appendFileSync(path.join(dir, 'journal.jsonl'), '{"t":"reply","id":"t1","rep');
    const again = Journal.open(dir, 'web-3');
    try {
      assert.equal(again.get('t1')!.reply, null);
    } finally {
      again.close();
    }
  });

  it("names its consumer and refuses to serve another; an old journal without a name is adopted", async () => {
    const j = Journal.open(dir, 'web-3');
    assert.equal(j.created, true);
    await j.accepted('t1', 'testing.echo');
    j.close();
    assert.throws(() => Journal.open(dir, 'db-1'), (err: Error) => err instanceof JournalOwnerError && /belongs to consumer "web-3", not "db-1"/.test(err.message));
    const again = Journal.open(dir, 'web-3');
    assert.equal(again.created, false);
    again.close();

    const legacy = tempDir('journal-legacy');
    fs.writeFileSync(path.join(legacy, 'journal.jsonl'), `${JSON.stringify({ t: 'accepted', id: 't9', method: 'testing.echo', at: 1 })}\n`);
    Journal.open(legacy, 'db-1').close();
    assert.throws(() => Journal.open(legacy, 'web-3'), JournalOwnerError, 'adopted by its first consumer');
  });

  it('keeps the process groups of a running task until it replies', async () => {
    const j = Journal.open(dir, 'web-3');
    await j.accepted('t1', 'system.run');
    await j.processGroup('t1', { pgid: 4242, bootId: 'b', leaderStart: 7 });
    await j.accepted('t2', 'system.run');
    await j.processGroup('t2', { pgid: 4343, bootId: 'b', leaderStart: 8 });
    await j.replied('t2', { resultJson: '{}' });
    j.close();
    const again = Journal.open(dir, 'web-3');
    try {
      assert.deepEqual(again.unfinished().map((e) => [e.taskId, e.processGroups]), [['t1', [{ pgid: 4242, bootId: 'b', leaderStart: 7 }]]]);
    } finally {
      again.close();
    }
    const compacted = fs.readFileSync(path.join(dir, 'journal.jsonl'), 'utf8');
    assert.ok(!compacted.includes('4343'), 'a replied task needs no stopping: its groups are dropped at compaction');
    assert.equal(JSON.parse(compacted.split('\n')[0]).t, 'consumer');
  });
});
