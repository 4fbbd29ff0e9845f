import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { call, connect, type ConnectOptions, type TaskplaneClients } from '../client/client';
import { EXIT } from '../common/exit-codes';
import { TestCa } from './helpers/certificates';
import { FakeAgent } from './helpers/fake-agent';
import { startAgentProcess, tempDir, waitForState } from './helpers/agent-process';
import { exited, runCli, startCli } from './helpers/processes';
import { bootstrapToken, describeOnEachStore, eventually, expectStatus, startServerOn, type TestServer } from './helpers/server';
import { createTestStore, type TestStore } from './helpers/stores';

/**
 * TLS and mutual TLS, with certificates the test makes with openssl: who
 * gets through (clients, the CLI, agents) and who does not, and a
 * certificate reload on SIGHUP without a restart.
 */

const dir = tempDir('tls');
const main = new TestCa(dir, 'main');
const other = new TestCa(dir, 'other');
const serverCert = main.issue('server', 'taskplane server');
const clientCert = main.issue('client', 'ops-laptop');
const agentCert = main.issue('edge-1', 'edge-1');
const strangerCert = other.issue('stranger', 'edge-1');

/** Fresh clients (their own connection) for `t` over TLS, trusting `ca` unless told otherwise. */
function tlsClients(t: TestServer, tls: ConnectOptions['tls'], token: string | null = t.token): TaskplaneClients {
  return connect(`https://${t.address}`, { token, tls, channelOptions: { 'grpc.use_local_subchannel_pool': 1 } });
}

function sslCredentials(ca: string, identity?: { cert: string; key: string }): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(fs.readFileSync(ca), identity ? fs.readFileSync(identity.key) : null, identity ? fs.readFileSync(identity.cert) : null);
}

const opened: Array<{ close(): void }> = [];
function track<T extends { close(): void }>(c: T): T {
  opened.push(c);
  return c;
}
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

describeOnEachStore(
  'TLS',
  (ctx) => {
    it('serves a client that trusts its CA, and refuses a plaintext client and one that does not trust it (UNAVAILABLE)', async () => {
      const trusted = track(tlsClients(ctx(), { caFile: main.cert }));
      await call(trusted.consumers, 'registerConsumer', { consumerId: 'tls-1' });
      const plaintext = track(connect(ctx().address, { token: ctx().token, channelOptions: { 'grpc.use_local_subchannel_pool': 1 } }));
      await expectStatus(call(plaintext.consumers, 'listConsumers', {}, { deadline: Date.now() + 5000 }), grpc.status.UNAVAILABLE);
      const untrusting = track(tlsClients(ctx(), { caFile: other.cert }));
      await expectStatus(call(untrusting.consumers, 'listConsumers', {}, { deadline: Date.now() + 5000 }), grpc.status.UNAVAILABLE);
      const systemRoots = track(tlsClients(ctx(), {}));
      await expectStatus(call(systemRoots.consumers, 'listConsumers', {}, { deadline: Date.now() + 5000 }), grpc.status.UNAVAILABLE);
    });

    it('the CLI speaks TLS with --server https://... and --tls-ca, and fails with exit 5 without the CA', async () => {
      const env = { TASKPLANE_TOKEN: ctx().token, TASKPLANE_TOKEN_FILE: '', TASKPLANE_SERVER: '', TASKPLANE_OUTPUT: 'json' };
      const ok = await runCli(['consumer', 'list', '--server', `https://${ctx().address}`, '--tls-ca', main.cert], env);
      assert.equal(ok.code, 0, ok.stderr);
      assert.ok(JSON.parse(ok.stdout).consumers.some((c: { id: string }) => c.id === 'tls-1'));
      const untrusted = await runCli(['consumer', 'list', '--server', `https://${ctx().address}`], env);
      assert.equal(untrusted.code, EXIT.UNAVAILABLE, untrusted.stderr);
    });
  },
  { tls: { certFile: serverCert.cert, keyFile: serverCert.key } },
);

describeOnEachStore(
  'mutual TLS',
  (ctx) => {
    const mtls = { caFile: main.cert, certFile: clientCert.cert, keyFile: clientCert.key };

    it('serves a client whose certificate its CA signed, and refuses one without a certificate or with another CA\'s', async () => {
      const good = track(tlsClients(ctx(), mtls));
      await call(good.consumers, 'registerConsumer', { consumerId: 'edge-1' });
      const { events } = await call(good.audit, 'listAuditEvents', { action: 'consumer.register', resource: 'consumer/edge-1' });
      assert.equal(events[0].certificateSubject, 'CN=ops-laptop', 'the audit records the certificate subject next to the token');
      for (const tls of [{ caFile: main.cert }, { caFile: main.cert, certFile: strangerCert.cert, keyFile: strangerCert.key }]) {
        const refused = track(tlsClients(ctx(), tls));
        await expectStatus(call(refused.consumers, 'listConsumers', {}, { deadline: Date.now() + 5000 }), grpc.status.UNAVAILABLE);
      }
    });

    it('an agent whose certificate names its consumer needs no credential; a certificate naming another consumer, or from another CA, gets nowhere', async () => {
      await call(track(tlsClients(ctx(), mtls)).consumers, 'registerConsumer', { consumerId: 'edge-2' });
      const byCertificate = track(new FakeAgent(ctx().address, 'edge-1', null, {}, sslCredentials(main.cert, agentCert)));
      await byCertificate.next('welcome', (m) => Boolean(m.welcome));
      const otherConsumer = track(new FakeAgent(ctx().address, 'edge-2', null, {}, sslCredentials(main.cert, agentCert)));
      const named = await otherConsumer.closed();
      assert.equal(named.code, grpc.status.UNAUTHENTICATED);
      assert.match(named.details, /names "edge-1", not consumer "edge-2"/);
      const stranger = track(new FakeAgent(ctx().address, 'edge-1', null, {}, sslCredentials(main.cert, strangerCert)));
      assert.equal((await stranger.closed()).code, grpc.status.UNAVAILABLE);
    });

    it('revoking the credentials ends a certificate-proven stream too, until a rotation', async () => {
      const admin = track(tlsClients(ctx(), mtls));
      const agent = track(new FakeAgent(ctx().address, 'edge-1', null, {}, sslCredentials(main.cert, agentCert)));
      await agent.next('welcome', (m) => Boolean(m.welcome));
      await call(admin.consumers, 'revokeConsumerCredential', { consumerId: 'edge-1' });
      assert.equal((await agent.closed()).code, grpc.status.UNAUTHENTICATED);
      const again = track(new FakeAgent(ctx().address, 'edge-1', null, {}, sslCredentials(main.cert, agentCert)));
      assert.match((await again.closed()).details, /credentials were revoked/);
      await call(admin.consumers, 'rotateConsumerCredential', { consumerId: 'edge-1' });
    });

    it('a real agent process runs tasks over mutual TLS with its certificate alone', async function () {
      this.timeout(60_000);
      const admin = track(tlsClients(ctx(), mtls));
      const agent = await startAgentProcess(`https://${ctx().address}`, 'edge-1', '', undefined, ['--tls-ca', main.cert, '--tls-cert', agentCert.cert, '--tls-key', agentCert.key]);
      try {
        const { task } = await call(admin.tasks, 'createTask', { consumerId: 'edge-1', method: 'testing.echo', argumentsJson: '{"hello":"tls"}' });
        await waitForState(admin, task!.id, ['TASK_STATE_SUCCEEDED']);
      } finally {
        await agent.stop();
      }
    });
  },
  { tls: { certFile: serverCert.cert, keyFile: serverCert.key, clientCaFile: main.cert } },
);

describe('TLS certificate reload', function () {
  this.timeout(60_000);
  let store: TestStore;
  before(async () => {
    store = await createTestStore('sqlite');
  });
  after(async () => store.drop());

  it('on SIGHUP serves the new certificate to new connections, and keeps the old one when the new files are broken', async () => {
    const live = path.join(dir, 'live');
    fs.mkdirSync(live, { recursive: true });
    const cert = path.join(live, 'server.pem');
    const key = path.join(live, 'server.key');
    fs.copyFileSync(serverCert.cert, cert);
    fs.copyFileSync(serverCert.key, key);
    const server = await startCli(['server', '--listen', '127.0.0.1:0', '--database-url', store.url, '--tls-cert', cert, '--tls-key', key], { TASKPLANE_LOG_LEVEL: 'info' }, /"event":"server\.started"[^\n]*"port":(\d+)/);
    try {
      const address = `127.0.0.1:${server.match[1]}`;
      const t = { address, token: await bootstrapToken(store.url) } as TestServer;
      await call(track(tlsClients(t, { caFile: main.cert })).consumers, 'listConsumers', {});

      const next = other.issue('server-next', 'taskplane server');
      fs.copyFileSync(next.cert, cert);
      fs.copyFileSync(next.key, key);
      server.child.kill('SIGHUP');
      await eventually('the reload to be logged', async () => /"event":"tls\.reloaded"/.test(server.output()));
      await call(track(tlsClients(t, { caFile: other.cert })).consumers, 'listConsumers', {});
      await expectStatus(call(track(tlsClients(t, { caFile: main.cert })).consumers, 'listConsumers', {}, { deadline: Date.now() + 5000 }), grpc.status.UNAVAILABLE);

      // A key that does not match the certificate: refused, the current certificate stays.
      fs.copyFileSync(serverCert.key, key);
      server.child.kill('SIGHUP');
      await eventually('the failed reload to be logged', async () => /"event":"tls\.reload_failed"[^\n]*not the private key/.test(server.output()));
      await call(track(tlsClients(t, { caFile: other.cert })).consumers, 'listConsumers', {});
    } finally {
      server.child.kill('SIGTERM');
      await exited(server.child);
    }
  });
});

describe('plaintext off loopback', function () {
  this.timeout(60_000);
  let store: TestStore;
  before(async () => {
    store = await createTestStore('sqlite');
  });
  after(async () => store.drop());

  it('the server refuses a non-loopback address without TLS, in one line, unless --insecure', async () => {
    const refused = await runCli(['server', '--listen', '0.0.0.0:0', '--database-url', store.url]);
    assert.equal(refused.code, EXIT.USAGE);
    assert.deepEqual(refused.stderr.trimEnd().split('\n'), ['error: --listen refusing to serve 0.0.0.0:0 without TLS: give --tls-cert and --tls-key, or --insecure to accept plaintext on a non-loopback address']);
    const insecure = await startCli(['server', '--listen', '0.0.0.0:0', '--database-url', store.url, '--insecure'], { TASKPLANE_LOG_LEVEL: 'info' }, /"event":"server\.started"/);
    insecure.child.kill('SIGTERM');
    assert.equal((await exited(insecure.child)).code, 0);
  });
});

describe('agent certificate reload', function () {
  this.timeout(60_000);
  let store: TestStore;
  before(async () => {
    store = await createTestStore('sqlite');
  });
  after(async () => store.drop());

  it('an agent reads its certificate files again before it reconnects, so a short-lived certificate can be replaced', async () => {
    const files = path.join(dir, 'agent-files');
    fs.mkdirSync(files, { recursive: true });
    const cert = path.join(files, 'edge.pem');
    const key = path.join(files, 'edge.key');
    fs.copyFileSync(agentCert.cert, cert);
    fs.copyFileSync(agentCert.key, key);
    let server = await startServerOn(store, { tls: { certFile: serverCert.cert, keyFile: serverCert.key, clientCaFile: main.cert } });
    const address = server.address;
    await call(track(tlsClients(server, { caFile: main.cert, certFile: clientCert.cert, keyFile: clientCert.key })).consumers, 'registerConsumer', { consumerId: 'edge-1' });
    const agent = await startAgentProcess(`https://${address}`, 'edge-1', '', undefined, ['--tls-ca', main.cert, '--tls-cert', cert, '--tls-key', key]);
    try {
      // The agent's certificate is replaced by one only the next server trusts; the server restarts trusting only that CA.
      fs.copyFileSync(strangerCert.cert, cert);
      fs.copyFileSync(strangerCert.key, key);
      server.clients.close();
      await server.server.stop('restart with another client CA');
      server = await startServerOn(store, { listen: address, tls: { certFile: serverCert.cert, keyFile: serverCert.key, clientCaFile: other.cert } });
      await eventually('the agent to connect again', async () => (agent.output().match(/"event":"agent\.connected"/g) ?? []).length >= 2, 20_000, 100);
      const clients = track(tlsClients(server, { caFile: main.cert, certFile: strangerCert.cert, keyFile: strangerCert.key }));
      const { task } = await call(clients.tasks, 'createTask', { consumerId: 'edge-1', method: 'testing.echo', argumentsJson: '{}' });
      await waitForState(clients, task!.id, ['TASK_STATE_SUCCEEDED']);
    } finally {
      await agent.stop();
      server.clients.close();
      await server.server.stop('test finished');
    }
  });
});
