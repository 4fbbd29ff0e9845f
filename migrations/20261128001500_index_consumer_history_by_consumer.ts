import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumer_history', (t) => t.index(['consumer_id', 'id'], 'consumer_history_by_consumer'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumer_history', (t) => t.dropIndex(['consumer_id', 'id'], 'consumer_history_by_consumer'));
}
