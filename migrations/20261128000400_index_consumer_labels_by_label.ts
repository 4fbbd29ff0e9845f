import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumer_labels', (t) => {
    t.index(['label_key', 'label_value', 'consumer_id'], 'consumer_labels_by_label');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumer_labels', (t) => {
    t.dropIndex(['label_key', 'label_value', 'consumer_id'], 'consumer_labels_by_label');
  });
}
