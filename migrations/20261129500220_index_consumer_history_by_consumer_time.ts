import type { Knex } from 'knex';

// A consumer's timeline pages through its history by event time (ties by id), either way.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumer_history', (t) => t.index(['consumer_id', 'event_time', 'id'], 'consumer_history_by_consumer_time'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumer_history', (t) => t.dropIndex(['consumer_id', 'event_time', 'id'], 'consumer_history_by_consumer_time'));
}
