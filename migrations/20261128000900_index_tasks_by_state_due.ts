import type { Knex } from 'knex';

// Release of SCHEDULED tasks and expiry of waiting ones: "tasks in state S due by T".
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['state', 'not_before_time'], 'tasks_by_state_due'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['state', 'not_before_time'], 'tasks_by_state_due'));
}
