import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// Consumer labels as rows, so label selectors are indexed lookups on both stores.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('consumer_labels', (t) => {
    withExactCollation(collation, t);
    t.string('consumer_id', 63).notNullable();
    t.string('label_key', 63).notNullable();
    t.string('label_value', 255).notNullable();
    t.primary(['consumer_id', 'label_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('consumer_labels');
}
