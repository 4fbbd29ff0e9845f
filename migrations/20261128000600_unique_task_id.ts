import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.unique(['id'], { indexName: 'tasks_id_unique' }));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropUnique(['id'], 'tasks_id_unique'));
}
