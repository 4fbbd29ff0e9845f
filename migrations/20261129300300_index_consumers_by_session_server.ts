import type { Knex } from 'knex';

// Reaping a dead server finds its consumers without reading them all.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => t.index(['session_server_id'], 'consumers_by_session_server'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => t.dropIndex(['session_server_id'], 'consumers_by_session_server'));
}
