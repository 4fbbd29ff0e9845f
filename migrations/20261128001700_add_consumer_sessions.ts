import type { Knex } from 'knex';

// Which agent stream currently speaks for each consumer. A new stream writes
// its own session id here; claims of tasks are fenced on it, so an older
// stream (on this or another server) can no longer receive work, and it is
// ended when its server sees the change. NULL: the agent is offline.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => {
    t.string('session_id', 36).nullable();
    t.string('session_server', 128).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => {
    t.dropColumn('session_id');
    t.dropColumn('session_server');
  });
}
