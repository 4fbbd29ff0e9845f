import assert from 'node:assert/strict';
import { serializeError } from '../common/log';

/** No log line carries SQL text or values: errors are logged by what an operator can act on. */
describe('error serialization for the log', () => {
  it('drops the statement knex puts first in a query error, even for a lost connection', () => {
    const lost = Object.assign(new Error("select `id`, `credential_hash` from `consumers` where `id` in ('web-3') - Connection lost: The server closed the connection."), { code: 'PROTOCOL_CONNECTION_LOST' });
    const logged = serializeError(lost) as Record<string, unknown>;
    assert.equal(logged.message, 'Connection lost: The server closed the connection.');
    assert.equal(logged.code, 'PROTOCOL_CONNECTION_LOST');
    assert.ok(!JSON.stringify(logged).includes('web-3'), 'no values');
  });

  it("keeps the database's own message of a refused statement, never the statement or its values", () => {
    const refused = Object.assign(new Error('insert into `tasks` (`result_json`) values (\'{"secret":"x"}\') - Data too long for column'), {
      code: 'ER_DATA_TOO_LONG',
      errno: 1406,
      sql: 'insert into `tasks` (`result_json`) values (\'{"secret":"x"}\')',
      sqlMessage: "Data too long for column 'result_json' at row 1",
    });
    const logged = serializeError(refused) as Record<string, unknown>;
    assert.equal(logged.message, "Data too long for column 'result_json' at row 1");
    assert.ok(!JSON.stringify(logged).includes('secret'), 'no values');
    assert.equal('sql' in logged, false);
  });

  it('leaves other errors as they are', () => {
    assert.equal((serializeError(new Error('the journal could not be written')) as Record<string, unknown>).message, 'the journal could not be written');
  });
});
