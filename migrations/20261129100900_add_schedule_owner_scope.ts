import type { Knex } from 'knex';

// The scope of the token that last created or updated the schedule, as JSON
// ({"selector":{...},"methods":[...]}): each fire reaches only consumers it
// allows. NULL: unscoped (and schedules made before tokens existed).
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedules', (t) => {
    t.text('owner_scope_json').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedules', (t) => t.dropColumn('owner_scope_json'));
}
