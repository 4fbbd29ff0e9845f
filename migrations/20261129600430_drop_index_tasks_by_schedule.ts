import type { Knex } from 'knex';

// Replaced by tasks_by_active_schedule and tasks_by_schedule_seq (an index
// holding `state` is rewritten at every change of state).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['schedule_id', 'state'], 'tasks_by_schedule'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['schedule_id', 'state'], 'tasks_by_schedule'));
}
