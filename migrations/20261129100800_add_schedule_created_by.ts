import type { Knex } from 'knex';

// Who last created or updated the schedule ("tok_... (name)"); its fires' tasks carry it too.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedules', (t) => {
    t.string('created_by', 200).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedules', (t) => t.dropColumn('created_by'));
}
