import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// What happened to each consumer. Kept after the consumer is unregistered.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('consumer_history', (t) => {
    withExactCollation(collation, t);
    t.bigIncrements('id');
    t.string('consumer_id', 63).notNullable();
    t.string('type', 64).notNullable();
    t.bigInteger('event_time').notNullable();
    t.string('task_id', 36).nullable();
    t.text('details_json').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('consumer_history');
}
