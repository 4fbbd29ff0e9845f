import type { Knex } from 'knex';

// Why the agent was asked to stop a task it holds, next to
// cancel_requested_time: 'cancel' (CancelTask) or 'timeout'. The agent's
// "Canceled" then ends the task CANCELED or TIMED_OUT. NULL on a row with a
// request written before this column existed means 'cancel'.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.string('cancel_kind', 16).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('cancel_kind');
  });
}
