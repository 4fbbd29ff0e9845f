import type { Knex } from 'knex';

// The expiry sweep's range scan, over unstarted tasks with a window only.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['expire_time'], 'tasks_by_expire_time'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['expire_time'], 'tasks_by_expire_time'));
}
