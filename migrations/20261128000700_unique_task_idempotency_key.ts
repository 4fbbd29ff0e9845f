import type { Knex } from 'knex';

// The store, not the code, makes an idempotency key create at most one task,
// even when two servers receive the same retried request at once.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.unique(['idempotency_key'], { indexName: 'tasks_idempotency_key_unique' }));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropUnique(['idempotency_key'], 'tasks_idempotency_key_unique'));
}
