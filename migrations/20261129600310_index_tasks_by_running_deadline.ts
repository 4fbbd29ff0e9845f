import type { Knex } from 'knex';

// The timeout sweep's range scan, over RUNNING tasks with a timeout only.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['running_deadline_time'], 'tasks_by_running_deadline'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['running_deadline_time'], 'tasks_by_running_deadline'));
}
