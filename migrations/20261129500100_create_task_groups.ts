import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// A group released in waves (a rollout) keeps its plan and progress here, so
// that a restarted server, or another one, carries it on. `state` and
// `current_wave` are what the guarded UPDATEs of its transitions check.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('task_groups', (t) => {
    withExactCollation(collation, t);
    t.string('id', 36).primary();
    t.string('method', 255).notNullable();
    t.string('state', 16).notNullable();
    t.text('policy_json').notNullable();
    t.integer('current_wave').notNullable();
    t.integer('wave_count').notNullable();
    // The wave at which the operator last resumed: the failures so far are accepted until the next wave settles.
    t.integer('resumed_wave').nullable();
    t.string('pause_reason', 255).nullable();
    // The template's not_before_time, given to held tasks when their wave starts.
    t.bigInteger('not_before_time').nullable();
    t.string('schedule_id', 36).nullable();
    t.bigInteger('create_time').notNullable();
    t.bigInteger('update_time').notNullable();
    t.index(['state'], 'task_groups_by_state');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('task_groups');
}
