import type { Knex } from 'knex';

// The wave of a rolled-out group a task belongs to (0: the first); null for
// every other task. A task of a wave not yet started is held: SCHEDULED with
// no not_before_time, which no release sweep picks up.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.integer('rollout_wave').nullable());
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropColumn('rollout_wave'));
}
