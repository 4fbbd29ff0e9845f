import assert from 'node:assert/strict';
import http2 from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { call, type TaskplaneClients } from '../client/client';
import { RPC_RULES, type TokenRule } from '../server/grpc/permission-table';
import { ROLE_PERMISSIONS } from '../server/security/permissions';
import type { Role } from '../server/security/principal';
import { clientsWith, describeOnEachStore, eventually, expectStatus, startServerOn } from './helpers/server';
import { TOKEN_CACHE_MS } from '../server/security/token-manager';
import { FakeAgent } from './helpers/fake-agent';
import { FakeClock } from './helpers/fake-clock';
import { MAX_CONCURRENT_STREAMS } from '../server/server';
import { timestampMs } from '../common/proto-time';

/**
 * The permission table (server/grpc/permission-table.ts), walked: every
 * RPC, called without a token, with a token of each role, and with a token
 * of each role scoped to role=web consumers and packages.* methods, once at
 * a target inside that scope and once outside it. A refusal is
 * PERMISSION_DENIED naming the permission, and writes nothing but its audit
 * row.
 */

type Where = 'in' | 'out';
type Rpc = (where: Where) => Promise<(c: TaskplaneClients) => Promise<unknown>>;

const ROLES: Role[] = ['viewer', 'operator', 'admin'];
const SCOPE = { consumerSelector: ['role=web'], methods: ['packages.*'] };
const TOKEN_RPCS = Object.entries(RPC_RULES).filter((entry): entry is [string, TokenRule] => entry[1].kind === 'token');

/** Resolves at a server stream's first message or its clean end; rejects with its error status. */
function firstOfStream(stream: grpc.ClientReadableStream<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('data', () => {
      resolve();
      stream.cancel();
    });
    stream.on('end', () => resolve());
    stream.on('error', (err: grpc.ServiceError) => (err.code === grpc.status.CANCELLED ? resolve() : reject(err)));
  });
}

describeOnEachStore(
  'security: the permission table',
  (ctx) => {
    const admin = () => ctx().clients;
    let serial = 0;
    const unique = (prefix: string) => `${prefix}-${++serial}`;
    const consumerFor = (where: Where) => (where === 'in' ? 'web-1' : 'db-1');
    const labelsFor = (where: Where) => (where === 'in' ? { role: 'web', tier: 'all' } : { role: 'db', tier: 'all' });

    const task = async (where: Where) => (await call(admin().tasks, 'createTask', { consumerId: consumerFor(where), method: 'packages.install', argumentsJson: '{"packages":["zsh"]}' })).task!;
    const group = async (where: Where) =>
      (await call(admin().tasks, 'createTaskGroup', { consumerSelector: [`role=${where === 'in' ? 'web' : 'db'}`], template: { method: 'packages.update' } })).groupId;
    /** A rollout (one wave: the consumer has no agent, so its task waits); `paused`: put in PAUSED by hand, for ResumeTaskGroup. The walk checks permissions, not rollouts (rollout.e2e.ts does). */
    const rollout = async (where: Where, paused: boolean) => {
      const { groupId } = await call(admin().tasks, 'createTaskGroup', { consumerSelector: [`role=${where === 'in' ? 'web' : 'db'}`], template: { method: 'packages.update' }, rollout: { canaryCount: 1 } });
      if (paused) await ctx().server.db.knex('task_groups').where({ id: groupId }).update({ state: 'PAUSED', pause_reason: 'set by the test' });
      return groupId;
    };
    const consumer = async (where: Where) => (await call(admin().consumers, 'registerConsumer', { consumerId: unique('c'), labels: labelsFor(where) })).consumer!.id;
    const scheduleSpec = (where: Where) => ({ cron: '0 2 * * *', timeZone: 'UTC', taskTemplate: { method: 'packages.update' }, target: { consumerId: consumerFor(where) } });
    const schedule = async (where: Where) => (await call(admin().schedules, 'createSchedule', { spec: scheduleSpec(where), paused: true })).schedule!.id;
    // In scope: a token a scoped admin may issue or revoke (within its selector and methods); out: an unscoped one.
    const tokenRequest = (where: Where) => ({ name: unique('t'), role: 'TOKEN_ROLE_VIEWER' as const, ...(where === 'in' ? { consumerSelector: ['role=web'], methods: ['packages.install'] } : {}) });

    /**
     * One call per RPC: its fixtures are made first (by the admin), then the
     * call itself is returned; `out` targets a consumer outside role=web (or
     * a token beyond the scope).
     */
    const RPCS: Record<string, Rpc> = {
      'taskplane.v1.TaskService/CreateTask': async (w) => (c) => call(c.tasks, 'createTask', { consumerId: consumerFor(w), method: 'packages.install', argumentsJson: '{"packages":["zsh"]}' }),
      'taskplane.v1.TaskService/BatchCreateTasks': async (w) => (c) => call(c.tasks, 'batchCreateTasks', { requests: [{ consumerId: 'web-1', method: 'packages.list' }, { consumerId: consumerFor(w), method: 'packages.list' }] }),
      'taskplane.v1.TaskService/GetTask': async (w) => {
        const { id } = await task(w);
        return (c) => call(c.tasks, 'getTask', { taskId: id });
      },
      'taskplane.v1.TaskService/ListTasks': async (w) => (c) => call(c.tasks, 'listTasks', { consumerId: consumerFor(w) }),
      'taskplane.v1.TaskService/CancelTask': async (w) => {
        const { id } = await task(w);
        return (c) => call(c.tasks, 'cancelTask', { taskId: id });
      },
      'taskplane.v1.TaskService/WatchTask': async (w) => {
        const { id } = await task(w);
        return (c) => firstOfStream(c.tasks.watchTask({ taskId: id }));
      },
      'taskplane.v1.TaskService/CreateTaskGroup': async (w) => (c) => call(c.tasks, 'createTaskGroup', { consumerSelector: [w === 'in' ? 'role=web' : 'tier=all'], template: { method: 'packages.update' } }),
      'taskplane.v1.TaskService/CancelTaskGroup': async (w) => {
        const groupId = await group(w);
        return (c) => call(c.tasks, 'cancelTaskGroup', { groupId });
      },
      'taskplane.v1.TaskService/WatchTaskGroup': async (w) => {
        const groupId = await group(w);
        return (c) => firstOfStream(c.tasks.watchTaskGroup({ groupId }));
      },
      'taskplane.v1.TaskService/GetTaskGroup': async (w) => {
        const groupId = await group(w);
        return (c) => call(c.tasks, 'getTaskGroup', { groupId });
      },
      'taskplane.v1.TaskService/ResumeTaskGroup': async (w) => {
        const groupId = await rollout(w, true);
        return (c) => call(c.tasks, 'resumeTaskGroup', { groupId });
      },
      'taskplane.v1.TaskService/AbortTaskGroup': async (w) => {
        const groupId = await rollout(w, false);
        return (c) => call(c.tasks, 'abortTaskGroup', { groupId });
      },

      'taskplane.v1.ConsumerService/RegisterConsumer': async (w) => (c) => call(c.consumers, 'registerConsumer', { consumerId: unique('r'), labels: labelsFor(w) }),
      'taskplane.v1.ConsumerService/GetConsumer': async (w) => (c) => call(c.consumers, 'getConsumer', { consumerId: consumerFor(w) }),
      'taskplane.v1.ConsumerService/ListConsumers': async () => (c) => call(c.consumers, 'listConsumers', {}),
      'taskplane.v1.ConsumerService/DeleteConsumer': async (w) => {
        const consumerId = await consumer(w);
        return (c) => call(c.consumers, 'deleteConsumer', { consumerId });
      },
      'taskplane.v1.ConsumerService/ListConsumerHistory': async (w) => (c) => call(c.consumers, 'listConsumerHistory', { consumerId: consumerFor(w) }),
      'taskplane.v1.ConsumerService/GetConsumerTimeline': async (w) => (c) => call(c.consumers, 'getConsumerTimeline', { consumerId: consumerFor(w) }),
      'taskplane.v1.ConsumerService/RotateConsumerCredential': async (w) => {
        const consumerId = await consumer(w);
        return (c) => call(c.consumers, 'rotateConsumerCredential', { consumerId });
      },
      'taskplane.v1.ConsumerService/RevokeConsumerCredential': async (w) => {
        const consumerId = await consumer(w);
        return (c) => call(c.consumers, 'revokeConsumerCredential', { consumerId });
      },

      'taskplane.v1.ScheduleService/CreateSchedule': async (w) => (c) => call(c.schedules, 'createSchedule', { spec: scheduleSpec(w), paused: true }),
      'taskplane.v1.ScheduleService/GetSchedule': async (w) => {
        const scheduleId = await schedule(w);
        return (c) => call(c.schedules, 'getSchedule', { scheduleId });
      },
      'taskplane.v1.ScheduleService/ListSchedules': async () => (c) => call(c.schedules, 'listSchedules', {}),
      'taskplane.v1.ScheduleService/UpdateSchedule': async (w) => {
        const scheduleId = await schedule(w);
        return (c) => call(c.schedules, 'updateSchedule', { scheduleId, spec: { ...scheduleSpec(w), cron: '0 3 * * *' } });
      },
      'taskplane.v1.ScheduleService/PauseSchedule': async (w) => {
        const scheduleId = await schedule(w);
        return (c) => call(c.schedules, 'pauseSchedule', { scheduleId });
      },
      'taskplane.v1.ScheduleService/ResumeSchedule': async (w) => {
        const scheduleId = await schedule(w);
        return (c) => call(c.schedules, 'resumeSchedule', { scheduleId });
      },
      'taskplane.v1.ScheduleService/DeleteSchedule': async (w) => {
        const scheduleId = await schedule(w);
        return (c) => call(c.schedules, 'deleteSchedule', { scheduleId });
      },
      'taskplane.v1.ScheduleService/PreviewSchedule': async (w) => {
        const scheduleId = await schedule(w);
        return (c) => call(c.schedules, 'previewSchedule', { scheduleId });
      },
      'taskplane.v1.ScheduleService/ListScheduleFires': async (w) => {
        const scheduleId = await schedule(w);
        return (c) => call(c.schedules, 'listScheduleFires', { scheduleId });
      },
      'taskplane.v1.ScheduleService/TriggerSchedule': async (w) => {
        const scheduleId = await schedule(w);
        return (c) => call(c.schedules, 'triggerSchedule', { scheduleId });
      },
      'taskplane.v1.ScheduleService/BackfillSchedule': async (w) => {
        const scheduleId = await schedule(w);
        const now = Math.floor(Date.now() / 1000);
        return (c) => call(c.schedules, 'backfillSchedule', { scheduleId, fromTime: { seconds: String(now - 2 * 86400) }, toTime: { seconds: String(now) } });
      },

      'taskplane.v1.TokenService/CreateToken': async (w) => (c) => call(c.tokens, 'createToken', tokenRequest(w)),
      'taskplane.v1.TokenService/ListTokens': async () => (c) => call(c.tokens, 'listTokens', {}),
      'taskplane.v1.TokenService/RevokeToken': async (w) => {
        const tokenId = (await call(admin().tokens, 'createToken', tokenRequest(w))).token!.id;
        return (c) => call(c.tokens, 'revokeToken', { tokenId });
      },

      'taskplane.v1.AuditService/ListAuditEvents': async () => (c) => call(c.audit, 'listAuditEvents', { pageSize: 1 }),
    };
    /** The RPCs whose targets a scope narrows; reads are limited by role only. */
    const SCOPED = new Set(Object.keys(RPCS).filter((rpc) => (RPC_RULES[rpc] as TokenRule).mutates));

    const tokens = new Map<string, string>();
    const clients = new Map<string, TaskplaneClients>();
    const as = (role: Role, scoped: boolean) => clients.get(`${role}/${scoped}`)!;

    before(async () => {
      for (const [consumerId, labels] of [['web-1', labelsFor('in')], ['db-1', labelsFor('out')]] as const) {
        await call(admin().consumers, 'registerConsumer', { consumerId, labels });
      }
      for (const role of ROLES) {
        for (const scoped of [false, true]) {
          const { secret } = await call(admin().tokens, 'createToken', { name: `${role}${scoped ? '-scoped' : ''}`, role: `TOKEN_ROLE_${role.toUpperCase()}` as never, ...(scoped ? SCOPE : {}) });
          tokens.set(`${role}/${scoped}`, secret);
          clients.set(`${role}/${scoped}`, clientsWith(ctx(), secret));
        }
      }
    });
    after(() => {
      for (const c of clients.values()) c.close();
    });

    /** Row counts of everything a call could write; a refused call leaves them as they were, but for its one audit row. */
    async function counts(): Promise<Record<string, number>> {
      const { knex } = ctx().server.db;
      const out: Record<string, number> = {};
      for (const table of ['tasks', 'task_events', 'task_groups', 'task_group_events', 'consumers', 'consumer_history', 'schedules', 'api_tokens', 'audit_events']) {
        out[table] = Number((await knex(table).count({ n: '*' }))[0].n);
      }
      return out;
    }

    it('has a call for every RPC the table guards with a token (so the walk below is complete)', () => {
      assert.deepEqual(Object.keys(RPCS).sort(), TOKEN_RPCS.map(([rpc]) => rpc).sort());
    });

    it('every token-guarded RPC refuses a call without a token (UNAUTHENTICATED), and one with a token that is not one', async () => {
      const anonymous = clientsWith(ctx(), null);
      const forged = clientsWith(ctx(), `tpt_${'A'.repeat(43)}`);
      try {
        for (const [rpc] of TOKEN_RPCS) {
          for (const c of [anonymous, forged]) {
            const err = await expectStatus((await RPCS[rpc]('in'))(c), grpc.status.UNAUTHENTICATED).catch((e) => assert.fail(`${rpc}: ${e.message}`));
            assert.match(err.details, c === anonymous ? /authorization: Bearer/ : /unknown API token/, rpc);
          }
        }
      } finally {
        anonymous.close();
        forged.close();
      }
    });

    it('AgentService.Connect refuses an API token and a missing credential; health stays open', async () => {
      for (const credential of [null, tokens.get('admin/false')!]) {
        const agent = new FakeAgent(ctx().address, 'web-1', credential);
        try {
          assert.equal((await agent.closed()).code, grpc.status.UNAUTHENTICATED);
        } finally {
          agent.close();
        }
      }
      const health = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as any;
      const client = new health.grpc.health.v1.Health(ctx().address, grpc.credentials.createInsecure());
      try {
        const res = await new Promise<{ status: string }>((resolve, reject) => client.check({ service: '' }, (err: Error | null, r: { status: string }) => (err ? reject(err) : resolve(r))));
        assert.equal(res.status, 'SERVING');
      } finally {
        client.close();
      }
    });

    for (const [rpc, rule] of TOKEN_RPCS) {
      it(`${rpc.split('.').pop()}: needs ${rule.permission}${SCOPED.has(rpc) ? ', and its target within the scope' : ''}`, async function () {
        this.timeout(60_000);
        for (const role of ROLES) {
          const allowed = ROLE_PERMISSIONS[role].includes(rule.permission);
          for (const [scoped, where] of [[false, 'in'], [false, 'out'], [true, 'in'], [true, 'out']] as const) {
            const what = `${role}${scoped ? ' (scoped)' : ''} at a target ${where} scope`;
            const refused = !allowed || (scoped && where === 'out' && SCOPED.has(rpc));
            const rpcCall = await RPCS[rpc](where);
            if (!refused) {
              await rpcCall(as(role, scoped)).catch((err) => assert.fail(`${rpc} as ${what} should be allowed: ${err.details ?? err.message}`));
              continue;
            }
            const before = await counts();
            const err = await expectStatus(rpcCall(as(role, scoped)), grpc.status.PERMISSION_DENIED).catch((e) => assert.fail(`${rpc} as ${what}: ${e.message}`));
            assert.ok(err.details.startsWith(`${rule.permission}: `), `${rpc} as ${what} names the permission: ${err.details}`);
            const after = await counts();
            assert.deepEqual({ ...after, audit_events: after.audit_events - 1 }, before, `${rpc} as ${what} writes nothing but its audit row`);
          }
        }
      });
    }
  },
  { createRateLimit: { perSecond: 0, burst: 1 } },
);

/** The server's clock in the tests below: token expiry and schedule fires without waiting. */
const fakeClock = new FakeClock(Date.parse('2026-12-01T00:00:00Z'));

describeOnEachStore(
  'security: tokens, scopes, audit and limits',
  (ctx) => {
    const admin = () => ctx().clients;
    const opened: TaskplaneClients[] = [];
    const clientsOf = (secret: string) => {
      const c = clientsWith(ctx(), secret);
      opened.push(c);
      return c;
    };
    async function token(name: string, role: Role, extra: { consumerSelector?: string[]; methods?: string[]; expireTime?: { seconds: string } } = {}) {
      const res = await call(admin().tokens, 'createToken', { name, role: `TOKEN_ROLE_${role.toUpperCase()}` as never, ...extra });
      return { id: res.token!.id, secret: res.secret, clients: clientsOf(res.secret) };
    }
    const audit = (filter: Record<string, unknown>) => call(admin().audit, 'listAuditEvents', { pageSize: 1000, ...filter }).then((r) => r.events);
    const clock = () => fakeClock;

    before(async () => {
      for (const [consumerId, labels] of [['web-1', { role: 'web', tier: 'all' }], ['web-2', { role: 'web' }], ['db-1', { role: 'db', tier: 'all' }]] as const) {
        await call(admin().consumers, 'registerConsumer', { consumerId, labels });
      }
    });
    after(() => opened.forEach((c) => c.close()));

    describe('tokens', () => {
      it('are shown once, listed without their secret, and a revoked one fails at its next call', async () => {
        const ci = await token('ci', 'operator');
        assert.match(ci.secret, /^tpt_[A-Za-z0-9_-]{43}$/);
        await call(ci.clients.tasks, 'createTask', { consumerId: 'web-1', method: 'packages.list' });
        const { tokens } = await call(admin().tokens, 'listTokens', {});
        const listed = tokens.find((t) => t.id === ci.id)!;
        assert.equal(listed.name, 'ci');
        assert.equal(listed.role, 'TOKEN_ROLE_OPERATOR');
        assert.ok(!JSON.stringify(tokens).includes(ci.secret), 'a list never carries a secret');
        const stored = await ctx().server.db.knex('api_tokens').where({ id: ci.id }).first();
        assert.notEqual(stored.token_hash, ci.secret, 'only the hash is stored');

        const { token: revoked } = await call(admin().tokens, 'revokeToken', { tokenId: ci.id });
        assert.ok(revoked!.revokeTime);
        const err = await expectStatus(call(ci.clients.tasks, 'listTasks', {}), grpc.status.UNAUTHENTICATED);
        assert.match(err.details, new RegExp(`API token ${ci.id} was revoked`));
        assert.ok(!(await call(admin().tokens, 'listTokens', {})).tokens.some((t) => t.id === ci.id), 'inactive tokens are left out by default');
        assert.ok((await call(admin().tokens, 'listTokens', { includeInactive: true })).tokens.some((t) => t.id === ci.id));
        const [refusal] = await audit({ principalId: ci.id, outcome: 'UNAUTHENTICATED' });
        assert.equal(refusal.action, 'task.list', 'the refused call is recorded under the token it presented');
      });

      it('an expired token fails; a token cannot outlive the one that issued it', async () => {
        const inAnHour = { seconds: String(Math.floor((clock().now() + 3600_000) / 1000)) };
        const shortLived = await token('short', 'admin', { expireTime: inAnHour });
        await call(shortLived.clients.tasks, 'listTasks', {});
        const tooLong = { seconds: String(Math.floor((clock().now() + 2 * 3600_000) / 1000)) };
        const err = await expectStatus(call(shortLived.clients.tokens, 'createToken', { name: 'child', role: 'TOKEN_ROLE_VIEWER', expireTime: tooLong }), grpc.status.PERMISSION_DENIED);
        assert.match(err.details, /^tokens\.manage: .*cannot issue a token that outlives it/);
        const child = await call(shortLived.clients.tokens, 'createToken', { name: 'child', role: 'TOKEN_ROLE_VIEWER' });
        assert.equal(child.token!.expireTime!.seconds, inAnHour.seconds, 'a child without an expiry gets its issuer\'s');

        clock().advance(3600_000 + 1000);
        const expired = await expectStatus(call(shortLived.clients.tasks, 'listTasks', {}), grpc.status.UNAUTHENTICATED);
        assert.match(expired.details, /expired at/);
        await expectStatus(call(clientsOf(child.secret).tasks, 'listTasks', {}), grpc.status.UNAUTHENTICATED);
      });

      it('a scoped admin issues and revokes only tokens within its own scope', async () => {
        const scoped = await token('web-admin', 'admin', { consumerSelector: ['role=web'], methods: ['packages.*'] });
        const wider = await expectStatus(call(scoped.clients.tokens, 'createToken', { name: 'x', role: 'TOKEN_ROLE_VIEWER', methods: ['packages.*'] }), grpc.status.PERMISSION_DENIED);
        assert.match(wider.details, /selector must include role=web/);
        const run = await expectStatus(call(scoped.clients.tokens, 'createToken', { name: 'x', role: 'TOKEN_ROLE_OPERATOR', consumerSelector: ['role=web', 'zone=eu'], methods: ['system.run'] }), grpc.status.PERMISSION_DENIED);
        assert.match(run.details, /method pattern system\.run is not within packages\.\*/);
        const narrower = await call(scoped.clients.tokens, 'createToken', { name: 'x', role: 'TOKEN_ROLE_OPERATOR', consumerSelector: ['role=web', 'zone=eu'], methods: ['packages.install'] });
        await call(scoped.clients.tokens, 'revokeToken', { tokenId: narrower.token!.id });
        await expectStatus(call(scoped.clients.tokens, 'revokeToken', { tokenId: (await token('root', 'admin')).id }), grpc.status.PERMISSION_DENIED);
      });
    });

    describe('scopes', () => {
      it('a scoped operator cannot reach a consumer outside its selector by naming it, through a fan-out, or through a schedule', async () => {
        const web = await token('web-op', 'operator', { consumerSelector: ['role=web'] });
        const tasksBefore = (await call(admin().tasks, 'listTasks', { pageSize: 1000 })).tasks.length;
        const named = await expectStatus(call(web.clients.tasks, 'createTask', { consumerId: 'db-1', method: 'packages.list' }), grpc.status.PERMISSION_DENIED);
        assert.match(named.details, /^tasks\.create: consumer db-1 is outside the scope of token tok_\w+ \(selector role=web\)/);
        const fanOut = await expectStatus(call(web.clients.tasks, 'createTaskGroup', { consumerSelector: ['tier=all'], template: { method: 'packages.list' } }), grpc.status.PERMISSION_DENIED);
        assert.match(fanOut.details, /consumer db-1 is outside/);
        const schedule = await expectStatus(
          call(web.clients.schedules, 'createSchedule', { spec: { cron: '0 * * * *', taskTemplate: { method: 'packages.list' }, target: { consumerSelector: ['tier=all'] } } }),
          grpc.status.PERMISSION_DENIED,
        );
        assert.match(schedule.details, /^schedules\.manage: consumer db-1 is outside/);
        assert.equal((await call(admin().tasks, 'listTasks', { pageSize: 1000 })).tasks.length, tasksBefore, 'nothing was created');

        // Within its scope today, a schedule's later fires still reach only what the scope allows at fire time.
        const { schedule: hourly } = await call(web.clients.schedules, 'createSchedule', {
          spec: { cron: '0 * * * *', taskTemplate: { method: 'packages.list' }, target: { consumerSelector: ['fleet=x'] }, overlapPolicy: 'SCHEDULE_OVERLAP_POLICY_ALLOW' },
        });
        assert.match(hourly!.createdBy, new RegExp(`^${web.id} \\(web-op\\)$`));
        await call(admin().consumers, 'registerConsumer', { consumerId: 'web-9', labels: { role: 'web', fleet: 'x' } });
        await call(admin().consumers, 'registerConsumer', { consumerId: 'db-9', labels: { role: 'db', fleet: 'x' } });
        clock().set(timestampMs(hourly!.nextFireTime!) + 1000);
        await ctx().server.scheduler.tick();
        const fired = (await call(admin().tasks, 'listTasks', { scheduleId: hourly!.id })).tasks;
        assert.deepEqual(fired.map((t) => t.consumerId), ['web-9'], 'db-9 matches the selector but not the owner\'s scope');
        assert.equal(fired[0].createdBy, hourly!.createdBy);
      });

      it('method patterns narrow a token, and system.run is granted only by a pattern that names it', async () => {
        const packages = await token('pkg', 'operator', { methods: ['packages.*'] });
        await call(packages.clients.tasks, 'createTask', { consumerId: 'web-1', method: 'packages.update' });
        const info = await expectStatus(call(packages.clients.tasks, 'createTask', { consumerId: 'web-1', method: 'system.info' }), grpc.status.PERMISSION_DENIED);
        assert.match(info.details, /^tasks\.create: method system\.info is outside the scope/);
        const everything = await token('star', 'admin', { methods: ['*'] });
        for (const c of [everything.clients, admin()]) {
          const err = await expectStatus(call(c.tasks, 'createTask', { consumerId: 'web-1', method: 'system.run', argumentsJson: '{"command":"id"}' }), grpc.status.PERMISSION_DENIED);
          assert.match(err.details, /system\.run is granted only by a method pattern that names it/);
        }
        const system = await token('sys', 'operator', { methods: ['system.*'] });
        await expectStatus(call(system.clients.tasks, 'createTask', { consumerId: 'web-1', method: 'system.run', argumentsJson: '{"command":"id"}' }), grpc.status.PERMISSION_DENIED);
        const runner = await token('runner', 'operator', { methods: ['system.run'] });
        const { task } = await call(runner.clients.tasks, 'createTask', { consumerId: 'web-1', method: 'system.run', argumentsJson: '{"command":"id"}' });
        assert.equal(task!.method, 'system.run');
        // Cancelling is targeting too.
        await expectStatus(call(packages.clients.tasks, 'cancelTask', { taskId: task!.id }), grpc.status.PERMISSION_DENIED);
      });
    });

    describe('audit', () => {
      it('records each change in its transaction, with who, what, when, from where and the outcome; tasks record who created them', async () => {
        const ops = await token('ops', 'operator');
        const start = clock().now();
        const { task } = await call(ops.clients.tasks, 'createTask', { consumerId: 'web-2', method: 'packages.list' });
        assert.equal(task!.createdBy, `${ops.id} (ops)`);
        assert.equal((await call(admin().tasks, 'getTask', { taskId: task!.id })).task!.createdBy, `${ops.id} (ops)`);
        await call(ops.clients.tasks, 'cancelTask', { taskId: task!.id });
        // Cancelling again changes nothing: still one row, saying so.
        await expectStatus(call(ops.clients.tasks, 'cancelTask', { taskId: task!.id }), grpc.status.FAILED_PRECONDITION);

        const events = (await audit({ principalId: ops.id })).reverse();
        assert.deepEqual(
          events.map((e) => [e.action, e.resource, e.outcome]),
          [
            ['task.create', `task/${task!.id}`, 'OK'],
            ['task.cancel', `task/${task!.id}`, 'OK'],
            ['task.cancel', '', 'FAILED_PRECONDITION'],
          ],
        );
        for (const e of events) {
          assert.equal(e.principalName, 'ops');
          assert.match(e.peer, /^127\.0\.0\.1:\d+$/);
          assert.match(e.rpc, /^taskplane\.v1\.TaskService\/(CreateTask|CancelTask)$/);
          assert.ok(timestampMs(e.eventTime!) >= start);
        }
        assert.match(JSON.parse(events[2].detailsJson).error, /has already ended/);
      });

      it('a failed change leaves only its refusal: the change and its row commit or roll back together', async () => {
        const ops = await token('atomic', 'operator');
        const err = await expectStatus(call(ops.clients.tasks, 'batchCreateTasks', { requests: [{ consumerId: 'web-1', method: 'packages.list' }, { consumerId: 'nobody', method: 'packages.list' }] }), grpc.status.NOT_FOUND);
        assert.match(err.details, /requests\[1\]\.consumer_id/);
        assert.deepEqual((await audit({ principalId: ops.id })).map((e) => [e.action, e.outcome]), [['task.create', 'NOT_FOUND']]);
        assert.equal((await call(admin().tasks, 'listTasks', { pageSize: 1000 })).tasks.filter((t) => t.createdBy.startsWith(ops.id)).length, 0);
      });

      it('records refused calls, reads included, and lists by filters a page at a time', async () => {
        const viewer = await token('reader', 'viewer');
        await call(viewer.clients.tasks, 'listTasks', {});
        await expectStatus(call(viewer.clients.tasks, 'createTask', { consumerId: 'web-1', method: 'packages.list' }), grpc.status.PERMISSION_DENIED);
        await expectStatus(call(viewer.clients.audit, 'listAuditEvents', {}), grpc.status.PERMISSION_DENIED);
        const refused = await audit({ principalId: viewer.id });
        assert.deepEqual(refused.map((e) => [e.action, e.outcome]), [['audit.list', 'PERMISSION_DENIED'], ['task.create', 'PERMISSION_DENIED']], 'a read that was allowed is not recorded');
        assert.match(JSON.parse(refused[1].detailsJson).error, /^tasks\.create: token tok_\w+ has role viewer/);

        const all = await audit({});
        const firstPage = await call(admin().audit, 'listAuditEvents', { pageSize: 2 });
        assert.deepEqual(firstPage.events.map((e) => e.id), all.slice(0, 2).map((e) => e.id), 'newest first');
        const secondPage = await call(admin().audit, 'listAuditEvents', { pageSize: 2, pageToken: firstPage.nextPageToken });
        assert.deepEqual(secondPage.events.map((e) => e.id), all.slice(2, 4).map((e) => e.id));
        const byAction = await audit({ action: 'consumer.register' });
        assert.deepEqual(byAction.map((e) => e.resource).sort(), ['consumer/db-1', 'consumer/db-9', 'consumer/web-1', 'consumer/web-2', 'consumer/web-9'].filter((r) => byAction.some((e) => e.resource === r)));
        assert.ok(byAction.length >= 3 && byAction.every((e) => e.outcome === 'OK'));
        assert.deepEqual(await audit({ resource: 'consumer/web-1' }).then((es) => es.map((e) => e.action)), ['consumer.register']);
        const later = await audit({ eventTimeFrom: { seconds: String(Math.floor(clock().now() / 1000) + 3600) } });
        assert.deepEqual(later, []);
        await expectStatus(call(admin().audit, 'listAuditEvents', { pageSize: 2, pageToken: firstPage.nextPageToken, action: 'task.create' }), grpc.status.INVALID_ARGUMENT);
      });
    });

    describe('limits', () => {
      it('sends no message over 8 MiB: the client refuses it before the wire', async () => {
        const err = await expectStatus(call(admin().tasks, 'createTask', { consumerId: 'web-1', method: 'packages.list', argumentsJson: `{"a":"${'x'.repeat(9 * 1024 * 1024)}"}` }), grpc.status.RESOURCE_EXHAUSTED);
        assert.match(err.details, /larger than 8388608/);
      });

      it('bounds the streams of one connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS)', async () => {
        const session = http2.connect(`http://${ctx().address}`);
        try {
          const settings = await new Promise<http2.Settings>((resolve, reject) => {
            session.once('remoteSettings', resolve);
            session.once('error', reject);
          });
          assert.equal(settings.maxConcurrentStreams, MAX_CONCURRENT_STREAMS);
        } finally {
          session.destroy();
        }
      });
    });
  },
  { clock: fakeClock, schedulerTicker: false },
);

describeOnEachStore(
  'security: the create rate limit',
  (ctx) => {
    it('refuses a token past its create rate with RESOURCE_EXHAUSTED, per token, leaving reads alone', async () => {
      await call(ctx().clients.consumers, 'registerConsumer', { consumerId: 'web-1' });
      const { secret } = await call(ctx().clients.tokens, 'createToken', { name: 'burst', role: 'TOKEN_ROLE_OPERATOR' });
      const burst = clientsWith(ctx(), secret);
      try {
        for (let i = 0; i < 3; i++) await call(burst.tasks, 'createTask', { consumerId: 'web-1', method: 'packages.list' });
        const err = await expectStatus(call(burst.tasks, 'createTask', { consumerId: 'web-1', method: 'packages.list' }), grpc.status.RESOURCE_EXHAUSTED);
        assert.match(err.details, /over its create rate limit/);
        await expectStatus(call(burst.tasks, 'createTaskGroup', { consumerSelector: ['a=b'], template: { method: 'packages.list' } }), grpc.status.RESOURCE_EXHAUSTED);
        await call(burst.tasks, 'listTasks', {});
        await call(ctx().clients.tasks, 'createTask', { consumerId: 'web-1', method: 'packages.list' });
        const [refusal] = (await call(ctx().clients.audit, 'listAuditEvents', { outcome: 'RESOURCE_EXHAUSTED' })).events;
        assert.equal(refusal.action, 'task_group.create');
      } finally {
        burst.close();
      }
    });
  },
  // A refill this slow that no test run could see a token come back.
  { createRateLimit: { perSecond: 0.0001, burst: 3 } },
);

describeOnEachStore('security: revocation on another server', (ctx) => {
  it('a token revoked through one server is refused by another within a second (TOKEN_CACHE_MS)', async function () {
    this.timeout(30_000);
    const other = await startServerOn(ctx().store);
    try {
      const { token, secret } = await call(ctx().clients.tokens, 'createToken', { name: 'roaming', role: 'TOKEN_ROLE_VIEWER' });
      const there = clientsWith(other, secret);
      try {
        await call(there.tasks, 'listTasks', {});
        await call(ctx().clients.tokens, 'revokeToken', { tokenId: token!.id });
        // TOKEN_CACHE_MS bounds it; the deadline leaves room for a loaded machine.
        await eventually('the other server to refuse the token', () => call(there.tasks, 'listTasks', {}).then(() => false, (err) => err.code === grpc.status.UNAUTHENTICATED), TOKEN_CACHE_MS + 4_000, 50);
      } finally {
        there.close();
      }
    } finally {
      other.clients.close();
      await other.server.stop('test finished');
    }
  });
});
