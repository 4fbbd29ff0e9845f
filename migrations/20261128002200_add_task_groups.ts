import type { Knex } from 'knex';

// A task created for a label selector, or by a schedule's fire, belongs to a
// group that is listed, watched and canceled as one.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.string('group_id', 36).nullable();
    t.string('schedule_id', 36).nullable();
    t.bigInteger('fire_time').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('group_id');
    t.dropColumn('schedule_id');
    t.dropColumn('fire_time');
  });
}
