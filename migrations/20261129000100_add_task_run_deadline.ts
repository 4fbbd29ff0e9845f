import type { Knex } from 'knex';

// When a RUNNING task's timeout passes (start_time + timeout_ms), stored so
// that the timeout sweep every server runs is an index range scan instead of
// an expression over every RUNNING row. Set when the agent accepts the task.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.bigInteger('run_deadline_time').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE `tasks` DROP COLUMN `run_deadline_time`');
}
