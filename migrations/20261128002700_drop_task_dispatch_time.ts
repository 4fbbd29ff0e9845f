import type { Knex } from 'knex';

// tasks.dispatch_time was written on every send and never read: resends of
// unaccepted tasks run on the agent session's own timers. The same statement
// on both stores; SQLite drops a column natively since 3.35 (better-sqlite3
// bundles a newer one), as the column is in no index or constraint.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE `tasks` DROP COLUMN `dispatch_time`');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.bigInteger('dispatch_time').nullable();
  });
}
