import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TASK_STATES } from '../server/tasks/states';

/** Compiled migrations: dist/migrations, beside dist/test. */
const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');

/**
 * The states the database accepts are those of the last migration that
 * exports KNOWN_TASK_STATES (the CHECK on tasks.state). A state added to
 * TASK_STATES without a migration widening that check would be refused by
 * the store at its first write, so it fails here first.
 */
function statesTheDatabaseAccepts(): { migration: string; states: readonly string[] } {
  const migrations = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{14}_[a-z0-9_]+\.js$/.test(f))
    .sort();
  let last: { migration: string; states: readonly string[] } | undefined;
  for (const file of migrations) {
    const states = (require(path.join(MIGRATIONS_DIR, file)) as { KNOWN_TASK_STATES?: readonly string[] }).KNOWN_TASK_STATES;
    if (states) last = { migration: file.replace(/\.js$/, ''), states };
  }
  assert.ok(last, 'no migration exports KNOWN_TASK_STATES');
  return last;
}

describe('the CHECK on tasks.state', () => {
  it('accepts exactly the states of TASK_STATES', () => {
    const { migration, states } = statesTheDatabaseAccepts();
    assert.deepEqual(
      [...states].sort(),
      Object.values(TASK_STATES).sort(),
      `TASK_STATES and the CHECK of ${migration} differ: add a migration that replaces the constraint with the new list`,
    );
  });
});
