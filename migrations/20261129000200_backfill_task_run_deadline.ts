import type { Knex } from 'knex';

// Tasks already RUNNING when the column arrived get their deadline from the
// expression it replaces. Data only; the column came in the migration before.
export async function up(knex: Knex): Promise<void> {
  await knex('tasks').where({ state: 'RUNNING' }).whereNotNull('timeout_ms').whereNotNull('start_time').update({ run_deadline_time: knex.raw('start_time + timeout_ms') });
}

export async function down(): Promise<void> {
  // Nothing to undo: the column goes with the migration before.
}
