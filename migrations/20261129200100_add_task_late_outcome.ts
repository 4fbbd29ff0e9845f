import type { Knex } from 'knex';

// What an agent reported after its task had ended without that report
// (FAILED "OutcomeUnknown"): {"report_time", "result_json" | "error"}, as
// JSON. Written once; the state stays.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.text('late_outcome_json', 'mediumtext').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropColumn('late_outcome_json');
  });
}
