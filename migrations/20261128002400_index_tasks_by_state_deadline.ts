import type { Knex } from 'knex';

// Expiry: "tasks still waiting whose window closed by T".
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['state', 'not_after_time'], 'tasks_by_state_deadline'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['state', 'not_after_time'], 'tasks_by_state_deadline'));
}
