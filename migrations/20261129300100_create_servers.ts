import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// One row per live server: its lease, renewed on a timer, and the internal
// address other servers call to wake its agent streams. A server whose lease
// lapsed is reaped by another (the row deleted and its streams marked gone).
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('servers', (t) => {
    withExactCollation(collation, t);
    t.string('id', 128).primary();
    t.string('internal_address', 255).nullable();
    t.bigInteger('started_time').notNullable();
    t.bigInteger('renewed_time').notNullable();
    t.bigInteger('lease_expires_time').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('servers');
}
