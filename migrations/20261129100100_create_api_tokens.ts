import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// API tokens of callers (TokenService). Only the sha256 of the secret is
// kept; scope columns are JSON, read whole with the token, never queried.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('api_tokens', (t) => {
    withExactCollation(collation, t);
    t.string('id', 32).primary();
    t.string('name', 63).notNullable();
    t.string('token_hash', 64).notNullable();
    t.string('role', 16).notNullable();
    // Label selector {"role":"web"} and method patterns ["packages.*"]; NULL: unscoped.
    t.text('selector_json').nullable();
    t.text('methods_json').nullable();
    t.bigInteger('create_time').notNullable();
    t.bigInteger('expire_time').nullable();
    t.bigInteger('revoke_time').nullable();
    t.string('created_by', 200).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('api_tokens');
}
