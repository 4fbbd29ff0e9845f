import type { Knex } from 'knex';

// Guarantee 2 (exactly-once settlement) in the store: a task writes at most
// one history event of each type, however many replies arrive. Rows without
// a task (registered, unregistered) have NULL task_id, which unique ignores.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumer_history', (t) => t.unique(['task_id', 'type'], { indexName: 'consumer_history_once_per_task' }));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumer_history', (t) => t.dropUnique(['task_id', 'type'], 'consumer_history_once_per_task'));
}
