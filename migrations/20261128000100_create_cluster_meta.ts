import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// Per-installation settings shared by every server on this database, such as
// the key that signs page tokens (so a token from one server works on all).
// Rows are created by the code that needs them (insert-if-absent), so this
// migration stays one DDL statement.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('cluster_meta', (t) => {
    withExactCollation(collation, t);
    t.string('name', 64).primary();
    t.text('value').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('cluster_meta');
}
