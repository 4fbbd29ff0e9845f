import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('task_events', (t) => t.index(['task_id', 'id'], 'task_events_by_task'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('task_events', (t) => t.dropIndex(['task_id', 'id'], 'task_events_by_task'));
}
