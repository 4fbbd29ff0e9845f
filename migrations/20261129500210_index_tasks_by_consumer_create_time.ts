import type { Knex } from 'knex';

// A consumer's timeline pages through its tasks by create time (ties by seq), either way.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['consumer_id', 'create_time', 'seq'], 'tasks_by_consumer_create_time'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['consumer_id', 'create_time', 'seq'], 'tasks_by_consumer_create_time'));
}
