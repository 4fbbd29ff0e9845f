import type { Knex } from 'knex';

// A RUNNING task's timeout (run_deadline_time, stored at accept), and null in
// every other state: what the timeout sweep looks up.
// A virtual column, computed from the row: nothing writes it, and its index
// entry changes only when its value does, not on every change of state.
export async function up(knex: Knex): Promise<void> {
  await knex.raw("ALTER TABLE `tasks` ADD COLUMN `running_deadline_time` BIGINT GENERATED ALWAYS AS (CASE WHEN `state` = 'RUNNING' THEN `run_deadline_time` END) VIRTUAL");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE `tasks` DROP COLUMN `running_deadline_time`');
}
