import type { Knex } from 'knex';

// dispatch_time: when the request was last sent (a task not accepted within
// a bound is sent again). agent_cancel_pending: the task ended (CANCELED or
// TIMED_OUT) while its agent may still be running it, and the agent has not
// yet been told to stop; it is told when it next connects.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.bigInteger('dispatch_time').nullable();
    t.boolean('agent_cancel_pending').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('dispatch_time');
    t.dropColumn('agent_cancel_pending');
  });
}
