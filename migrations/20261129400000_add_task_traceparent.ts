import type { Knex } from 'knex';

// The W3C traceparent a task was created in (gRPC metadata or HTTP header,
// or a schedule fire's own), handed to its agent in TaskRequest. NULL: none.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.string('traceparent', 128).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('traceparent');
  });
}
