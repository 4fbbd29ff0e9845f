import type { Knex } from 'knex';

// Overlap checks and ListTasks by schedule: "the unfinished tasks of schedule S".
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.index(['schedule_id', 'state'], 'tasks_by_schedule'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropIndex(['schedule_id', 'state'], 'tasks_by_schedule'));
}
