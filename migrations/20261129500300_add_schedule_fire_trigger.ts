import type { Knex } from 'knex';

// What made each recorded fire happen (scheduled | catch_up | manual |
// backfill) and, in a short sentence, why it came out as it did (e.g. which
// consumer was not found). Rows recorded before this column were the
// scheduler's own: "scheduled".
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedule_fires', (t) => {
    t.string('fire_trigger', 16).notNullable().defaultTo('scheduled');
    t.string('detail', 255).notNullable().defaultTo('');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedule_fires', (t) => {
    t.dropColumn('fire_trigger');
    t.dropColumn('detail');
  });
}
