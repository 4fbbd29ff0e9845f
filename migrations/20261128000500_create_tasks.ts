import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// Tasks. `seq` is the clustered key: it orders tasks by acceptance, and is
// the cursor of ListTasks paging and of per-consumer FIFO. `id` (a UUID) is
// the public id and the RMI correlation tag.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('tasks', (t) => {
    withExactCollation(collation, t);
    t.bigIncrements('seq');
    t.string('id', 36).notNullable();
    t.string('consumer_id', 63).notNullable();
    t.string('method', 127).notNullable();
    t.text('arguments_json', 'mediumtext').notNullable();
    // One of TASK_STATES in server/tasks/states.ts.
    t.string('state', 16).notNullable();
    t.text('labels_json').notNullable();
    t.string('idempotency_key', 255).nullable();
    // sha256 of the creating request, to tell a retry from a conflicting reuse of the key.
    t.string('request_hash', 64).nullable();
    t.bigInteger('create_time').notNullable();
    t.bigInteger('update_time').notNullable();
    t.bigInteger('not_before_time').nullable();
    t.bigInteger('not_after_time').nullable();
    t.bigInteger('timeout_ms').nullable();
    t.bigInteger('start_time').nullable();
    t.bigInteger('end_time').nullable();
    t.integer('attempt').notNullable().defaultTo(0);
    t.text('result_json', 'mediumtext').nullable();
    t.string('error_type', 255).nullable();
    t.text('error_message').nullable();
    t.text('error_details_json', 'mediumtext').nullable();
    t.integer('progress_percent').nullable();
    t.text('progress_message').nullable();
    t.text('progress_details_json').nullable();
    t.bigInteger('progress_time').nullable();
    t.bigInteger('cancel_requested_time').nullable();
    t.string('cancel_reason', 255).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tasks');
}
