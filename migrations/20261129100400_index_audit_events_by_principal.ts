import type { Knex } from 'knex';

// "What did this token do?", newest first.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_events', (t) => t.index(['principal_id', 'id'], 'audit_events_principal_id'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_events', (t) => t.dropIndex(['principal_id', 'id'], 'audit_events_principal_id'));
}
