import type { Knex } from 'knex';

// A schedule whose fires are rolled out: the RolloutPolicy each fire's group
// gets (JSON); null for fires released all at once.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedules', (t) => t.text('target_rollout_json').nullable());
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('schedules', (t) => t.dropColumn('target_rollout_json'));
}
