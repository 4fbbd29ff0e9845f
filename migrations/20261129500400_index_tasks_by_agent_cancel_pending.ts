import type { Knex } from 'knex';

// "Tasks of these consumers that ended while their agent may still run them":
// a handful of rows flagged among every task the consumers ever had.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['agent_cancel_pending', 'consumer_id'], 'tasks_by_agent_cancel_pending'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['agent_cancel_pending', 'consumer_id'], 'tasks_by_agent_cancel_pending'));
}
