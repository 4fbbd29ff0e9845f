import type { Knex } from 'knex';

// The credential replaced by the last rotation, valid until
// previous_credential_expire_time (the grace period); NULL: none.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => {
    t.string('previous_credential_hash', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => t.dropColumn('previous_credential_hash'));
}
