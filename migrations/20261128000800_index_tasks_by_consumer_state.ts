import type { Knex } from 'knex';

// Per-consumer FIFO: "the oldest WAITING tasks of consumer C", and ListTasks by consumer.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['consumer_id', 'state', 'seq'], 'tasks_by_consumer_state'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['consumer_id', 'state', 'seq'], 'tasks_by_consumer_state'));
}
