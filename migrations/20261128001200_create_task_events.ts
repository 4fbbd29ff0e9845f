import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// Every transition (and progress report, and cancel request) of every task.
// Written in the same transaction as the change it records. `id` only grows,
// and a task's row lock orders its events, so it is WatchTask's resume cursor.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('task_events', (t) => {
    withExactCollation(collation, t);
    t.bigIncrements('id');
    t.string('task_id', 36).notNullable();
    t.string('type', 32).notNullable();
    t.string('state', 16).notNullable();
    t.bigInteger('event_time').notNullable();
    t.string('cause', 255).notNullable();
    t.string('error_type', 255).nullable();
    t.text('error_message').nullable();
    t.text('error_details_json', 'mediumtext').nullable();
    t.integer('progress_percent').nullable();
    t.text('progress_message').nullable();
    t.text('progress_details_json').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('task_events');
}
