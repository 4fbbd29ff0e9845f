import type { Knex } from 'knex';

// consumers.session_server (which server held the live stream) was written
// on every connect and disconnect and never read: fencing and takeover use
// session_id alone, and logs name the server. Native DROP COLUMN on both
// stores (SQLite 3.35+), as the column is in no index or constraint.
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE `consumers` DROP COLUMN `session_server`');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => {
    t.string('session_server', 128).nullable();
  });
}
