import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => {
    t.bigInteger('previous_credential_expire_time').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => t.dropColumn('previous_credential_expire_time'));
}
