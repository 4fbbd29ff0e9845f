import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// Recurring schedules. next_fire_time is the next fire not yet handled; the
// scheduler advances it in the same transaction that records the fire.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('schedules', (t) => {
    withExactCollation(collation, t);
    t.string('id', 36).primary();
    t.string('cron', 255).notNullable();
    t.string('time_zone', 64).notNullable();
    // TaskTemplate and target as JSON: read whole, never queried inside.
    t.text('template_json').notNullable();
    t.string('target_consumer_id', 63).nullable();
    t.text('target_selector_json').nullable();
    t.bigInteger('window_ms').nullable();
    t.bigInteger('start_time').nullable();
    t.bigInteger('end_time').nullable();
    t.string('overlap_policy', 16).notNullable();
    t.string('catch_up_policy', 16).notNullable();
    t.bigInteger('catch_up_window_ms').nullable();
    t.boolean('paused').notNullable().defaultTo(false);
    // NULL when the schedule will never fire again (past its end).
    t.bigInteger('next_fire_time').nullable();
    t.bigInteger('last_fire_time').nullable();
    t.integer('missed_fire_count').notNullable().defaultTo(0);
    t.bigInteger('create_time').notNullable();
    t.bigInteger('update_time').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('schedules');
}
