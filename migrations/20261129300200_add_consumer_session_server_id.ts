import type { Knex } from 'knex';

// Which server holds the consumer's live stream (servers.id), written with
// session_id. Read when that server's lease lapses (its consumers go
// offline) and to wake the stream's server directly after a change made
// elsewhere.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => {
    t.string('session_server_id', 128).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE `consumers` DROP COLUMN `session_server_id`');
}
