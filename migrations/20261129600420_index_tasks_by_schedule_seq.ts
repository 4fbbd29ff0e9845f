import type { Knex } from 'knex';

// ListTasks of one schedule, newest first, without `state` in the index.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['schedule_id', 'seq'], 'tasks_by_schedule_seq'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['schedule_id', 'seq'], 'tasks_by_schedule_seq'));
}
