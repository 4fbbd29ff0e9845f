import assert from 'node:assert/strict';
import { serverConfig } from '../server/config';

describe('server configuration: the abandon deadline', () => {
  it('defaults to an hour, is read from --abandon-after or TASKPLANE_ABANDON_AFTER (seconds), the flag winning', () => {
    assert.equal(serverConfig({}, {}).abandonAfterMs, 3_600_000);
    assert.equal(serverConfig({}, { TASKPLANE_ABANDON_AFTER: '90' }).abandonAfterMs, 90_000);
    assert.equal(serverConfig({ 'abandon-after': '1.5' }, { TASKPLANE_ABANDON_AFTER: '90' }).abandonAfterMs, 1_500);
  });

  it('refuses a value that is not a positive number of seconds, naming the flag', () => {
    for (const bad of ['0', '-5', 'soon']) assert.throws(() => serverConfig({ 'abandon-after': bad }, {}), /abandon-after/);
  });
});
