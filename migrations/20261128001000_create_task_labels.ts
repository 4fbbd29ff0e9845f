import type { Knex } from 'knex';
import { exactTextCollation, withExactCollation } from './collation';

// Task labels as rows, so ListTasks label filters are indexed on both stores.
export async function up(knex: Knex): Promise<void> {
  const collation = await exactTextCollation(knex);
  await knex.schema.createTable('task_labels', (t) => {
    withExactCollation(collation, t);
    t.bigInteger('task_seq').unsigned().notNullable();
    t.string('label_key', 63).notNullable();
    t.string('label_value', 255).notNullable();
    t.primary(['task_seq', 'label_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('task_labels');
}
