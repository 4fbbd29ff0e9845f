import type { Knex } from 'knex';

// What the consumer's agent said in its last hello: its version, the
// methods it offers ("class.method", a JSON array) and when. CreateTask
// refuses a method the agent does not offer; all three stay null until the
// agent first connects, and then any method is accepted.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('consumers', (t) => {
    t.string('agent_version', 128).nullable();
    t.text('agent_methods_json').nullable();
    t.bigInteger('hello_time').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const column of ['agent_version', 'agent_methods_json', 'hello_time']) await knex.raw(`ALTER TABLE \`consumers\` DROP COLUMN \`${column}\``);
}
