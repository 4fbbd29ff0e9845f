import type { Knex } from 'knex';

// Every call looks its token up by hash.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_tokens', (t) => t.unique(['token_hash'], { indexName: 'api_tokens_hash_unique' }));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_tokens', (t) => t.dropUnique(['token_hash'], 'api_tokens_hash_unique'));
}
