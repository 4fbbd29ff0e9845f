import type { Knex } from 'knex';

// The schedule of a task not yet ended, and null once it ended or if no
// schedule made it: what a fire's overlap check (skip while the last one runs) looks up.
// A virtual column, computed from the row: nothing writes it, and its index
// entry changes only when its value does, not on every change of state.
export async function up(knex: Knex): Promise<void> {
  await knex.raw("ALTER TABLE `tasks` ADD COLUMN `active_schedule_id` VARCHAR(36) GENERATED ALWAYS AS (CASE WHEN `state` IN ('SCHEDULED', 'WAITING', 'DISPATCHED', 'RUNNING') THEN `schedule_id` END) VIRTUAL");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE `tasks` DROP COLUMN `active_schedule_id`');
}
