import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// The audit log: one row per call that changed something (written in the
// change's transaction) and per refused or failed call of that kind.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('audit_events', (t) => {
    withExactCollation(collation, t);
    t.bigIncrements('id');
    t.bigInteger('event_time').notNullable();
    t.string('principal_id', 100).notNullable();
    t.string('principal_name', 100).notNullable();
    t.string('certificate_subject', 255).notNullable();
    t.string('peer', 100).notNullable();
    t.string('rpc', 100).notNullable();
    t.string('action', 64).notNullable();
    t.string('resource', 200).notNullable();
    t.string('outcome', 32).notNullable();
    t.text('details_json', 'mediumtext').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_events');
}
