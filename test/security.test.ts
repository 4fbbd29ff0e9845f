import assert from 'node:assert/strict';
import { assertListenSecure, isLoopback } from '../server/config';
import { RateLimiter } from '../server/security/rate-limit';
import { methodAllowed, scopeNotWithin, validateMethodPatterns } from '../server/security/scope';
import { resolveTransport } from '../common/transport';

describe('scopes: method patterns', () => {
  const scope = (methods: string[] | null) => ({ selector: null, methods });

  it('match a class, a method or everything, and no wildcard reaches system.run', () => {
    assert.equal(methodAllowed(scope(['packages.*']), 'packages.install'), true);
    assert.equal(methodAllowed(scope(['packages.*']), 'packagesx.install'), false);
    assert.equal(methodAllowed(scope(['system.info']), 'system.info'), true);
    assert.equal(methodAllowed(scope(['system.info']), 'system.reboot'), false);
    for (const wildcard of [null, ['*'], ['system.*']]) assert.equal(methodAllowed(scope(wildcard), 'system.run'), false, JSON.stringify(wildcard));
    assert.equal(methodAllowed(scope(['system.run']), 'system.run'), true);
    assert.equal(methodAllowed(scope(null), 'anything.else'), true);
  });

  it('are validated, naming the bad entry', () => {
    assert.deepEqual(validateMethodPatterns('methods', ['*', 'a.*', 'a.b', 'a.b']), ['*', 'a.*', 'a.b']);
    assert.throws(() => validateMethodPatterns('methods', ['a.b', 'a*']), /methods\[1\]: "a\*" is not a method pattern/);
    assert.throws(() => validateMethodPatterns('methods', Array.from({ length: 33 }, (_, i) => `a.m${i}`)), /at most 32/);
  });
});

describe('scopes: a token issues only tokens within its own', () => {
  it('needs every selector term of the issuer, and method patterns the issuer covers', () => {
    const issuer = { selector: { role: 'web' }, methods: ['packages.*', 'system.run'] };
    assert.equal(scopeNotWithin({ selector: { role: 'web', zone: 'eu' }, methods: ['packages.install', 'system.run'] }, issuer), null);
    assert.match(scopeNotWithin({ selector: null, methods: ['packages.*'] }, issuer)!, /selector must include role=web/);
    assert.match(scopeNotWithin({ selector: { role: 'db' }, methods: ['packages.*'] }, issuer)!, /role=web/);
    assert.match(scopeNotWithin({ selector: { role: 'web' }, methods: null }, issuer)!, /methods must be within/);
    assert.match(scopeNotWithin({ selector: { role: 'web' }, methods: ['*'] }, issuer)!, /method pattern \* is not within/);
    assert.equal(scopeNotWithin({ selector: null, methods: ['system.run'] }, { selector: null, methods: ['system.run'] }), null);
    assert.match(scopeNotWithin({ selector: null, methods: ['system.run'] }, { selector: null, methods: ['*'] })!, /system\.run is not within \*/);
    assert.equal(scopeNotWithin({ selector: { a: 'b' }, methods: ['x.y'] }, { selector: null, methods: null }), null, 'an unscoped issuer issues anything');
  });
});

describe('the create rate limit', () => {
  it('lets a burst through, then one call per refill, per key', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, () => now);
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('a')), [true, true, true, false]);
    assert.equal(limiter.take('b'), true, 'another token has its own bucket');
    now += 500;
    assert.deepEqual([limiter.take('a'), limiter.take('a')], [true, false]);
    assert.equal(new RateLimiter(0, 1, () => now).take('a'), true, '0: no limit');
  });
});

describe('plaintext only on loopback', () => {
  it('knows loopback addresses, and refuses others without TLS unless insecure', () => {
    for (const host of ['127.0.0.1', '127.3.2.1', 'localhost', '[::1]', '::1']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '10.0.0.1', '[::]', 'cp.example', '128.0.0.1']) assert.equal(isLoopback(host), false, host);
    assert.doesNotThrow(() => assertListenSecure('127.0.0.1:50051', false, false));
    assert.doesNotThrow(() => assertListenSecure('[::1]:50051', false, false));
    assert.throws(() => assertListenSecure('0.0.0.0:50051', false, false), /^Error: listen: refusing to serve 0\.0\.0\.0:50051 without TLS/);
    assert.doesNotThrow(() => assertListenSecure('0.0.0.0:50051', true, false));
    assert.doesNotThrow(() => assertListenSecure('0.0.0.0:50051', false, true));
  });
});

describe('server addresses', () => {
  it('https:// means TLS (443 by default), http:// and bare addresses plaintext, dns: passes through', () => {
    assert.deepEqual(pick(resolveTransport({ server: 'https://cp.example' })), { target: 'cp.example:443', tls: true });
    assert.deepEqual(pick(resolveTransport({ server: 'https://cp.example:50051/' })), { target: 'cp.example:50051', tls: true });
    assert.deepEqual(pick(resolveTransport({ server: 'http://cp.example:50051' })), { target: 'cp.example:50051', tls: false });
    assert.deepEqual(pick(resolveTransport({ server: '127.0.0.1:50051' })), { target: '127.0.0.1:50051', tls: false });
    assert.deepEqual(pick(resolveTransport({ server: 'dns:///cp.example:50051' })), { target: 'dns:///cp.example:50051', tls: false });
    assert.throws(() => resolveTransport({ server: 'grpc://cp.example:1' }), /use host:port, dns:host:port, https:\/\/host:port or http:\/\/host:port/);
    assert.throws(() => resolveTransport({ server: 'http://cp.example:1', caFile: '/x' }), /is plaintext/);
    assert.throws(() => resolveTransport({ server: 'https://cp.example:1', certFile: '/x' }), /--tls-cert and --tls-key together/);
    assert.throws(() => resolveTransport({ server: 'https://cp.example:1', caFile: '/no/such/ca.pem' }), /--tls-ca \/no\/such\/ca\.pem: ENOENT/);
  });
});

function pick(t: { target: string; tls: boolean }) {
  return { target: t.target, tls: t.tls };
}
