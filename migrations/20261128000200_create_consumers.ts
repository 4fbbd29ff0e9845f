import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// Managed hosts. Times are epoch milliseconds everywhere, so MySQL's and
// SQLite's time types and session zones never change a value.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('consumers', (t) => {
    withExactCollation(collation, t);
    t.string('id', 63).primary();
    t.string('display_name', 255).notNullable();
    t.text('labels_json').notNullable();
    // sha256 of the agent credential; the credential itself is never stored.
    t.string('credential_hash', 64).notNullable();
    t.bigInteger('create_time').notNullable();
    t.bigInteger('last_seen_time').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('consumers');
}
