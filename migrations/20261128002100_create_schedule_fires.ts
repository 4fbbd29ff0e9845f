import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// Guarantee 6 in the store: the primary key (schedule_id, fire_time) lets
// exactly one server record, and so act on, each fire of a schedule.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('schedule_fires', (t) => {
    withExactCollation(collation, t);
    t.string('schedule_id', 36).notNullable();
    t.bigInteger('fire_time').notNullable();
    t.string('group_id', 36).notNullable();
    // created | skipped_overlap | empty_selection | missed
    t.string('outcome', 32).notNullable();
    t.integer('task_count').notNullable();
    t.bigInteger('record_time').notNullable();
    t.primary(['schedule_id', 'fire_time']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('schedule_fires');
}
