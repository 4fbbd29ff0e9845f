import type { Knex } from 'knex';

// The timeout sweep: "RUNNING tasks whose run deadline is at or before T".
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['state', 'run_deadline_time'], 'tasks_by_state_run_deadline'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['state', 'run_deadline_time'], 'tasks_by_state_run_deadline'));
}
