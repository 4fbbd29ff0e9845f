import type { Knex } from 'knex';

// Who created the task ("tok_... (name)"); NULL for tasks created before it was recorded.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.string('created_by', 200).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => t.dropColumn('created_by'));
}
