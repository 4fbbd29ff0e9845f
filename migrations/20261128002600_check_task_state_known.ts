import type { Knex } from 'knex';

// The database itself refuses a task state that no code knows, so neither a
// bug nor a hand-written UPDATE can park a task where nothing will ever move
// it. The states are written out as they stood when this migration was made
// (migrations are history); test/task-state-check.test.ts compares the last
// migration that exports KNOWN_TASK_STATES with TASK_STATES, so adding a
// state takes a new migration that widens this check.
//
// MySQL: one ALTER TABLE, which checks every existing row. Enforced by
// MariaDB 10.2+ and MySQL 8.0.16+; older MySQL 8 accepts and ignores CHECK.
// SQLite cannot add a constraint to a table, so the table is rebuilt (see
// rebuildSqliteTasks), inside the migration's transaction.

export const KNOWN_TASK_STATES = [
  'SCHEDULED',
  'WAITING',
  'DISPATCHED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'CANCELED',
  'TIMED_OUT',
  'EXPIRED',
] as const;

const CONSTRAINT = 'tasks_state_known';
const PREDICATE = `\`state\` IN (${KNOWN_TASK_STATES.map((s) => `'${s}'`).join(', ')})`;
/** The table constraint as it appears in SQLite's CREATE TABLE text. */
const SQLITE_CLAUSE = `, CONSTRAINT \`${CONSTRAINT}\` CHECK (${PREDICATE})`;

export async function up(knex: Knex): Promise<void> {
  await refuseUnknownStates(knex);
  if (isSqlite(knex)) {
    await rebuildSqliteTasks(knex, (createSql) => {
      if (createSql.includes(SQLITE_CLAUSE)) throw new Error(`tasks already has the constraint ${CONSTRAINT}`);
      return createSql.replace(/\)$/, `${SQLITE_CLAUSE})`);
    });
  } else {
    await knex.raw(`ALTER TABLE \`tasks\` ADD CONSTRAINT \`${CONSTRAINT}\` CHECK (${PREDICATE})`);
  }
}

export async function down(knex: Knex): Promise<void> {
  if (isSqlite(knex)) {
    await rebuildSqliteTasks(knex, (createSql) => {
      if (!createSql.includes(SQLITE_CLAUSE)) throw new Error(`tasks does not have the constraint ${CONSTRAINT}`);
      return createSql.replace(SQLITE_CLAUSE, '');
    });
  } else {
    await knex.raw(`ALTER TABLE \`tasks\` DROP CONSTRAINT \`${CONSTRAINT}\``);
  }
}

function isSqlite(knex: Knex): boolean {
  return knex.client.config.client !== 'mysql2';
}

/** A clear refusal, naming the rows to fix, instead of the engine's constraint error. */
async function refuseUnknownStates(knex: Knex): Promise<void> {
  const rows: Array<{ state: string; n: number | string }> = await knex('tasks')
    .select('state')
    .count({ n: '*' })
    .whereNotIn('state', [...KNOWN_TASK_STATES])
    .groupBy('state');
  if (rows.length > 0) {
    const found = rows.map((r) => `${JSON.stringify(r.state)} (${r.n} tasks)`).join(', ');
    throw new Error(`cannot add ${CONSTRAINT}: tasks hold unknown states ${found}; fix those rows, then migrate again`);
  }
}

/**
 * SQLite's procedure for a change ALTER TABLE cannot make
 * (https://www.sqlite.org/lang_altertable.html#otheralter): create the new
 * table under another name, copy the rows, drop the old table, rename the
 * new one, recreate the old table's indexes and triggers. The new CREATE
 * TABLE is the old one's text with `edit` applied, so every column keeps its
 * declaration byte for byte, and `seq` stays INTEGER PRIMARY KEY
 * AUTOINCREMENT. Rows keep their `seq`, and the AUTOINCREMENT counter is
 * carried over, so seq values of deleted tasks are not handed out again.
 * There are no foreign keys (and so nothing to switch off) and no views.
 *
 * Runs in the migration's transaction: any failure, including the checks at
 * the end, leaves the old table untouched.
 */
async function rebuildSqliteTasks(knex: Knex, edit: (createSql: string) => string): Promise<void> {
  if (!knex.isTransaction) return knex.transaction((trx) => rebuildSqliteTasks(trx, edit));
  const table = 'tasks';
  const temp = 'tasks_rebuild';
  const schemaOf = async () => {
    const objects: Array<{ type: string; name: string; sql: string | null }> = await knex.raw(
      "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index', 'trigger') ORDER BY type, name",
      [table],
    );
    const columns: Array<Record<string, unknown>> = await knex.raw('SELECT cid, name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid', [table]);
    return { objects, columns };
  };

  const before = await schemaOf();
  const createSql = before.objects.find((o) => o.type === 'table')?.sql;
  // knex writes `tasks`; after a rebuild's rename SQLite writes "tasks".
  const head = /^CREATE TABLE (`tasks`|"tasks") \(/.exec(createSql ?? '');
  if (!head || !createSql!.endsWith(')')) throw new Error(`unexpected definition of ${table}: ${createSql}`);
  const views: unknown[] = await knex.raw("SELECT name FROM sqlite_master WHERE type = 'view'");
  if (views.length > 0) throw new Error(`cannot rebuild ${table} while views exist (drop them, migrate, create them again)`);
  // Indexes the table creates itself (sqlite_autoindex_*, sql NULL) come back with it.
  const dependents = before.objects.filter((o) => o.type !== 'table' && o.sql !== null);
  const [sequence]: Array<{ seq: number }> = await knex.raw('SELECT seq FROM sqlite_sequence WHERE name = ?', [table]);
  const columnList = before.columns.map((c) => `\`${c.name}\``).join(', ');

  await knex.raw(`CREATE TABLE \`${temp}\` (` + edit(createSql!).slice(head[0].length));
  await knex.raw(`INSERT INTO \`${temp}\` (${columnList}) SELECT ${columnList} FROM \`${table}\``);
  await knex.raw(`DROP TABLE \`${table}\``);
  await knex.raw(`ALTER TABLE \`${temp}\` RENAME TO \`${table}\``);
  for (const o of dependents) await knex.raw(o.sql!);
  if (sequence) {
    // The rename carried the copy's counter (the highest seq copied) over; put back the old one.
    await knex.raw('DELETE FROM sqlite_sequence WHERE name = ?', [table]);
    await knex.raw('INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)', [table, sequence.seq]);
  }

  const after = await schemaOf();
  const described = (s: typeof before) => JSON.stringify({ columns: s.columns, dependents: s.objects.filter((o) => o.type !== 'table') });
  if (described(after) !== described(before)) throw new Error(`rebuilding ${table} changed its columns or indexes; rolled back`);
}
