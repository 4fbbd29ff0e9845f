import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedules', (t) => t.index(['paused', 'next_fire_time'], 'schedules_by_next_fire'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedules', (t) => t.dropIndex(['paused', 'next_fire_time'], 'schedules_by_next_fire'));
}
