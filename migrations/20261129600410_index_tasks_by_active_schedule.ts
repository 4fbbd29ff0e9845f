import type { Knex } from 'knex';

// A fire's overlap check: the unfinished tasks of one schedule.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['active_schedule_id'], 'tasks_by_active_schedule'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['active_schedule_id'], 'tasks_by_active_schedule'));
}
