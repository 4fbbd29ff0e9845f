import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// Every step of a rollout (wave started, paused, resumed, aborted,
// completed), written in the transaction that takes it. `id` is
// WatchTaskGroup's cursor for group events.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('task_group_events', (t) => {
    withExactCollation(collation, t);
    t.bigIncrements('id');
    t.string('group_id', 36).notNullable();
    t.string('type', 32).notNullable();
    t.integer('wave').notNullable();
    t.string('state', 16).notNullable();
    t.bigInteger('event_time').notNullable();
    t.string('cause', 255).notNullable();
    t.index(['group_id', 'id'], 'task_group_events_by_group');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('task_group_events');
}
