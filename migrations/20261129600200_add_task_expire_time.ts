import type { Knex } from 'knex';

// When an unstarted task's window closes (its not_after), and null once it
// started or ended: what the expiry sweep and the next deadline look up.
// A virtual column, computed from the row: nothing writes it, and its index
// entry changes only when its value does, not on every change of state.
export async function up(knex: Knex): Promise<void> {
  await knex.raw("ALTER TABLE `tasks` ADD COLUMN `expire_time` BIGINT GENERATED ALWAYS AS (CASE WHEN `state` IN ('SCHEDULED', 'WAITING') THEN `not_after_time` END) VIRTUAL");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE `tasks` DROP COLUMN `expire_time`');
}
