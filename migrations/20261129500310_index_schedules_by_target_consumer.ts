import type { Knex } from 'knex';

// Deleting a consumer looks up the schedules that target it by id.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedules', (t) => t.index(['target_consumer_id'], 'schedules_by_target_consumer'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedules', (t) => t.dropIndex(['target_consumer_id'], 'schedules_by_target_consumer'));
}
