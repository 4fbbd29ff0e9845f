import assert from 'node:assert/strict';
import { serverConfig } from '../server/config';

describe('server configuration: the HTTP listener', () => {
  it('listens on 127.0.0.1:8080 by default; a flag wins over TASKPLANE_HTTP_LISTEN; empty turns it off', () => {
    assert.equal(serverConfig({}, {}).httpListen, '127.0.0.1:8080');
    assert.equal(serverConfig({}, { TASKPLANE_HTTP_LISTEN: '0.0.0.0:9090' }).httpListen, '0.0.0.0:9090');
    assert.equal(serverConfig({ 'http-listen': '[::1]:8081' }, { TASKPLANE_HTTP_LISTEN: '0.0.0.0:9090' }).httpListen, '[::1]:8081');
    assert.equal(serverConfig({}, { TASKPLANE_HTTP_LISTEN: '' }).httpListen, '');
    assert.equal(serverConfig({ 'http-listen': '' }, {}).httpListen, '');
  });

  it('refuses what is not host:port, naming the flag', () => {
    assert.throws(() => serverConfig({ 'http-listen': '8080' }, {}), /^Error: http-listen: "8080" is not host:port \(e\.g\. 127\.0\.0\.1:8080, 0\.0\.0\.0:8080\)$/);
    assert.throws(() => serverConfig({}, { TASKPLANE_HTTP_LISTEN: 'localhost:99999' }), /^Error: http-listen: /);
    assert.throws(() => serverConfig({ listen: 'x' }, {}), /^Error: listen: "x" is not host:port \(e\.g\. 127\.0\.0\.1:50051/);
  });
});

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
