import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import { AdmissionGate } from './agents/admission-gate';
import { LOADER_OPTIONS, loadPackageDefinition, loadTaskplaneProtos, PROTO_FILES } from '../protos/loader';
import { systemClock, type Clock } from './clock';
import { ConsumerManager } from './consumers/consumer-manager';
import { consumerServiceHandlers } from './grpc/consumer-service';
import { ConsumerTimeline } from './consumers/consumer-timeline';
import { taskServiceHandlers } from './grpc/task-service';
import type { Logger } from '../common/log';
import { redactDatabaseUrl } from './config';
import { ChangeNotifier } from './notifier';
import { PageTokens } from './paging';
import { openDatabase, pingDatabase, poolStats, type Database } from './store/database';
import { DatabaseHealth } from './database-health';
import { assertSchemaCurrent, migrateToLatest, pendingMigrations } from './store/migrate';
import { NO_METRICS } from './metrics';
import { PrometheusMetrics } from './http/prometheus-metrics';
import { tokenAuthorize } from './http/token-authorize';
import { HttpListener, type Readiness } from './http/http-listener';
import { consoleRoutes } from './http/console-api';
import type { Authorize } from './http/authorize';
import { TaskManager } from './tasks/task-manager';
import { builtinMethods, type MethodRegistry } from './tasks/method-registry';
import { TaskLifecycle } from './tasks/lifecycle';
import { RolloutManager } from './tasks/rollout-manager';
import { ConsumerSessions } from './consumers/consumer-sessions';
import { AgentHub, newServerId, type AgentHubOptions } from './agents/agent-hub';
import { agentServiceHandlers } from './grpc/agent-service';
import { LiveStreams } from './grpc/status';
import { scheduleServiceHandlers } from './grpc/schedule-service';
import { Scheduler } from './scheduling/scheduler';
import { ScheduleManager } from './scheduling/schedule-manager';
import { ServerLease } from './cluster/server-lease';
import { loadClusterSecret } from './cluster/cluster-secret';
import { ClusterWaker } from './cluster/cluster-waker';
import { addClusterService, clusterServiceHandlers, GrpcClusterSender, MAX_FORWARDED_CREATE_BYTES } from './grpc/cluster-service';
import { CreateForwarder } from './cluster/create-forwarder';
import os from 'node:os';
import { addGuardedService, Guard, GuardedService } from './grpc/auth';
import { auditServiceHandlers, tokenServiceHandlers } from './grpc/security-service';
import { ReloadableTls, type TlsFiles } from './grpc/tls';
import { assertListenSecure, DEFAULT_CREATE_RATE_LIMIT } from './config';
import { AuditLog } from './security/audit-log';
import { RateLimiter } from './security/rate-limit';
import { issueFirstAdminToken, TokenManager } from './security/token-manager';
import type { TokenRecord } from './security/token-record';

export interface ServerOptions {
  /** host:port; port 0 picks a free one (see TaskplaneServer.port). */
  listen: string;
  /** host:port of the HTTP listener (console, /metrics, /healthz, /readyz); port 0 picks a free one (TaskplaneServer.httpPort); empty or absent: none. */
  httpListen?: string;
  /** How long one count of unfinished tasks serves /metrics scrapes (default 5 s). */
  metricsCacheMs?: number;
  /** Authentication and permission checks of the HTTP listener (server/http/authorize.ts); default: none, as on the gRPC edge. */
  httpAuthorize?: Authorize;
  databaseUrl: string;
  /** Apply pending migrations at start. SQLite always does; MySQL only when asked. */
  migrate: boolean;
  /** MySQL connection pool size (default 10). */
  databasePoolMax?: number;
  logger: Logger;
  clock?: Clock;
  /** Upper bound on a graceful stop before in-flight calls are cut. */
  shutdownTimeoutMs?: number;
  watchPollMs?: number;
  /** Agent stream tuning (see AgentHubOptions). */
  agents?: Partial<Pick<AgentHubOptions, 'heartbeatIntervalMs' | 'livenessTimeoutMs' | 'acceptTimeoutMs' | 'pollIntervalMs' | 'progressIntervalMs' | 'maxUnacceptedSends' | 'lastSeenIntervalMs' | 'sweepSlice'>>;
  /** Messages held for an agent that does not read its stream before it is cut off (default 4096). */
  agentStreamQueueLimit?: number;
  /** Agent streams admitted at once, and waiting their turn before more are refused (default 64 and 4096: AdmissionGate). */
  agentAdmission?: { maxActive: number; maxWaiting: number };
  /** A held task whose agent has not answered a stop request within this ends FAILED, OutcomeUnknown (default 1 h). */
  abandonAfterMs?: number;
  /** Methods with argument checks and success hooks; default: the built-in packages.* methods. */
  methods?: MethodRegistry;
  /** false: no node-cron ticker or timers; tests drive TaskplaneServer.scheduler.tick() with a moved clock. */
  schedulerTicker?: boolean;
  /** Serve TLS (mutual with clientCaFile); reload with reloadTls(). Without it, only a loopback address or `insecure`. */
  tls?: TlsFiles | null;
  /** Allow plaintext on an address other than loopback. */
  insecure?: boolean;
  /** Create calls per second per API token (0: no limit), and the burst; default 200/s, bursts of 400. */
  createRateLimit?: { perSecond: number; burst: number };
  /**
   * The first start on an empty embedded (SQLite) store issues one admin
   * token and hands it here, once, to be shown to the operator. Unset: none
   * is issued (tests and MySQL bootstrap with `token create --bootstrap`).
   */
  onFirstAdminToken?: (issued: { token: TokenRecord; secret: string }) => void;
  /** Several servers on one database (see ClusterOptions). */
  cluster?: ClusterOptions;
}

export interface ClusterOptions {
  /** host:port of the internal ClusterService (default: the public listen host, a free port). */
  listen?: string;
  /** host:port other servers use to reach it (default: the bound internal address; the machine's host name for a wildcard host). */
  advertise?: string;
  /** Server lease: how long it lasts unrenewed (default 10 s) and how often it is renewed (default a fifth of that). */
  leaseMs?: number;
  renewIntervalMs?: number;
  /** false: never wake other servers directly, leave it to their poll (default true). */
  wake?: boolean;
}

const SERVICE_NAMES = ['taskplane.v1.TaskService', 'taskplane.v1.ConsumerService', 'taskplane.v1.AgentService', 'taskplane.v1.ScheduleService', 'taskplane.v1.TokenService', 'taskplane.v1.AuditService'];

// The largest request accepted; bigger ones get RESOURCE_EXHAUSTED from
// grpc-js before any of our code runs. 8 MiB fits a full batch of tasks
// with typical arguments; single arguments are capped at 64 KiB anyway.
// Clients send at most this too (client/client.ts), failing before the wire.
export const MAX_RECEIVE_BYTES = 8 * 1024 * 1024;
// The largest answer: what clients accept (client/client.ts). A page that
// does not fit (a thousand tasks with large results) ends RESOURCE_EXHAUSTED
// rather than being sent for the client to drop: ask for a smaller page.
export const MAX_SEND_BYTES = 64 * 1024 * 1024;
// HTTP/2 streams one connection may have open at once (calls and watches).
// An agent needs one, a CLI a few; a client past it waits for a free one.
export const MAX_CONCURRENT_STREAMS = 1000;

/** One taskplane server process: store, services, health and reflection, ordered shutdown. */
export class TaskplaneServer {
  private stopping: Promise<void> | null = null;
  private readonly liveStreams = new LiveStreams();
  private databaseHealth: DatabaseHealth | null = null;
  private http: HttpListener | null = null;
  private rollouts: RolloutManager | null = null;

  private constructor(
    private readonly grpcServer: grpc.Server,
    private readonly clusterServer: grpc.Server,
    readonly lease: ServerLease,
    private readonly waker: ClusterWaker,
    private readonly health: HealthImplementation,
    readonly db: Database,
    readonly agents: AgentHub,
    readonly scheduler: Scheduler,
    readonly consumers: ConsumerManager,
    readonly port: number,
    private readonly options: ServerOptions,
    private readonly tls: ReloadableTls | null,
  ) {}

  static async start(options: ServerOptions): Promise<TaskplaneServer> {
    const { logger } = options;
    const clock = options.clock ?? systemClock;
    assertListenSecure(options.listen, Boolean(options.tls), options.insecure ?? false);
    // Read (and checked) before anything opens: a bad certificate is one clear line, not a half-started server.
    const tls = options.tls ? new ReloadableTls(options.tls, logger) : null;
    const db = openDatabase(options.databaseUrl, {
      poolMax: options.databasePoolMax,
      log: { warn: (message) => logger.warn({ event: 'database.driver_warning', message }, 'database driver warning') },
    });
    let grpcServerForCleanup: grpc.Server | undefined;
    let hubForCleanup: AgentHub | undefined;
    let serverForCleanup: TaskplaneServer | undefined;
    let schedulerForCleanup: Scheduler | undefined;
    let rolloutsForCleanup: RolloutManager | undefined;
    // Metrics only with an HTTP listener: nothing else could scrape them.
    const prometheus = options.httpListen ? new PrometheusMetrics({ logger, unfinishedCacheMs: options.metricsCacheMs }) : null;
    const metrics = prometheus ?? NO_METRICS;
    let clusterServerForCleanup: grpc.Server | undefined;
    let leaseForCleanup: ServerLease | undefined;
    let wakerForCleanup: ClusterWaker | undefined;
    try {
      if (db.dialect === 'sqlite' || options.migrate) {
        const applied = await migrateToLatest(db);
        if (applied.length) logger.info({ event: 'store.migrated', applied }, 'migrations applied');
      } else {
        await assertSchemaCurrent(db, `taskplane migrate --database-url '${redactDatabaseUrl(options.databaseUrl)}' (or start the server with --migrate)`);
      }
      const notifier = new ChangeNotifier();
      const pageTokens = await PageTokens.load(db.knex);
      const methods = options.methods ?? builtinMethods();
      // Every arrow runs one way: grpc -> {agent hub, services, scheduler} -> lifecycle -> store.
      const lifecycle = new TaskLifecycle({ db: db.knex, dialect: db.dialect, clock, notifier, methods, logger, metrics, abandonAfterMs: options.abandonAfterMs });
      const rollouts = new RolloutManager({ db: db.knex, dialect: db.dialect, clock, notifier, logger, lifecycle });
      rolloutsForCleanup = rollouts;
      // The agent hub comes later (it needs the lease); creates forwarded before then find no live stream here and read the hello.
      let hubForHellos: AgentHub | undefined;
      const tasks = new TaskManager({ db: db.knex, clock, notifier, pageTokens, logger, methods, lifecycle, rollouts, watchPollMs: options.watchPollMs, liveHello: (id) => hubForHellos?.liveHello(id) });
      const consumers = new ConsumerManager(db.knex, db.dialect, clock, lifecycle, pageTokens, logger);
      const tokens = new TokenManager(db.knex, clock, pageTokens, logger);
      const audit = new AuditLog(db.knex, pageTokens, logger);
      const rate = options.createRateLimit ?? { perSecond: DEFAULT_CREATE_RATE_LIMIT, burst: DEFAULT_CREATE_RATE_LIMIT * 2 };
      const guard = new Guard({ tokens, audit, limiter: new RateLimiter(rate.perSecond, rate.burst), clock, logger });
      const serverId = newServerId();
      // The internal address first: it goes into the lease row, which must
      // exist before any stream attaches (its consumers name this server).
      const secret = await loadClusterSecret(db.knex);
      const clusterServer = new grpc.Server({ 'grpc.max_receive_message_length': MAX_FORWARDED_CREATE_BYTES + 1024 });
      clusterServerForCleanup = clusterServer;
      const clusterListen = options.cluster?.listen ?? `${hostOf(options.listen)}:0`;
      const clusterPort = await new Promise<number>((resolve, reject) =>
        clusterServer.bindAsync(clusterListen, grpc.ServerCredentials.createInsecure(), (err, boundPort) => (err ? reject(err) : resolve(boundPort))),
      );
      const internalAddress = options.cluster?.advertise ?? advertisedAddress(clusterListen, clusterPort);
      let agentsForLease: AgentHub | undefined;
      const lease = new ServerLease({
        db: db.knex,
        logger,
        serverId,
        internalAddress,
        leaseMs: options.cluster?.leaseMs,
        renewIntervalMs: options.cluster?.renewIntervalMs,
        onLost: () => agentsForLease?.leaseLost(),
      });
      await lease.start();
      leaseForCleanup = lease;
      const agents = new AgentHub({ lifecycle, consumerSessions: new ConsumerSessions(db.knex, db.dialect, clock, serverId), notifier, clock, logger, serverId, admitting: () => lease.held, metrics, ...options.agents });
      agentsForLease = agents;
      hubForHellos = agents;
      const clusterSender = new GrpcClusterSender(secret, serverId);
      const waker = new ClusterWaker({
        db: db.knex,
        notifier,
        logger,
        serverId,
        sender: clusterSender,
        isLocal: (id) => options.cluster?.wake === false || agents.get(id) !== undefined,
      });
      wakerForCleanup = waker;
      const forwarder = new CreateForwarder({ ownerOf: (id) => waker.knownOwner(id), sender: clusterSender, logger });
      lifecycle.setHandOff(agents.dispatcher, forwarder);
      addClusterService(clusterServer, clusterServiceHandlers({ hub: agents, createForwarded: (c) => tasks.createForwarded(c.tasks, c.audit, c.check) }, secret, logger));
      const scheduler = new Scheduler({ db: db.knex, dialect: db.dialect, clock, notifier, logger, lifecycle, ticker: options.schedulerTicker, metrics });
      schedulerForCleanup = scheduler;
      const schedules = new ScheduleManager(db.knex, clock, methods, pageTokens, logger, (next) => {
        if (next !== null) notifier.dueTimeChanged(next);
      }, scheduler.fires);

      const grpcServer = new grpc.Server({
        'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
        'grpc.max_send_message_length': MAX_SEND_BYTES,
        'grpc.max_concurrent_streams': MAX_CONCURRENT_STREAMS,
        // Ping idle clients so half-open connections (a host that vanished)
        // are noticed and their streams released.
        'grpc.keepalive_time_ms': 30_000,
        'grpc.keepalive_timeout_ms': 10_000,
        // Agents and watchers ping us too; allow it without a call in flight.
        'grpc.keepalive_permit_without_calls': 1,
        'grpc.http2.min_ping_interval_without_data_ms': 5_000,
      });
      grpcServerForCleanup = grpcServer;
      hubForCleanup = agents;
      const definition = loadPackageDefinition();
      const protos = loadTaskplaneProtos(definition);
      const server = new TaskplaneServer(grpcServer, clusterServer, lease, waker, new HealthImplementation(), db, agents, scheduler, consumers, 0, options, tls);
      serverForCleanup = server;
      server.rollouts = rollouts;
      rollouts.start();
      const v1 = protos.taskplane.v1;
      const edge = (service: string) => new GuardedService(`taskplane.v1.${service}`, guard, logger, server.liveStreams);
      // Every method of every service has a rule in server/grpc/permission-table.ts, or the server does not start.
      addGuardedService(grpcServer, v1.TaskService.service, taskServiceHandlers(tasks, edge('TaskService')) as grpc.UntypedServiceImplementation);
      addGuardedService(grpcServer, v1.ConsumerService.service, consumerServiceHandlers(consumers, new ConsumerTimeline(db.knex, clock, consumers, schedules, pageTokens), edge('ConsumerService')) as grpc.UntypedServiceImplementation);
      addGuardedService(grpcServer, v1.AgentService.service, agentServiceHandlers(agents, consumers, logger, audit, clock, { maxQueuedPerStream: options.agentStreamQueueLimit, admission: options.agentAdmission && new AdmissionGate(options.agentAdmission.maxActive, options.agentAdmission.maxWaiting) }) as grpc.UntypedServiceImplementation);
      addGuardedService(grpcServer, v1.ScheduleService.service, scheduleServiceHandlers(schedules, edge('ScheduleService')) as grpc.UntypedServiceImplementation);
      addGuardedService(grpcServer, v1.TokenService.service, tokenServiceHandlers(tokens, edge('TokenService')) as grpc.UntypedServiceImplementation);
      addGuardedService(grpcServer, v1.AuditService.service, auditServiceHandlers(audit, edge('AuditService')) as grpc.UntypedServiceImplementation);
      server.health.addToServer(grpcServer);
      // Reflection describes the health service too, so grpcurl and friends see all of it.
      new ReflectionService(protoLoader.loadSync([...PROTO_FILES, healthProtoPath], LOADER_OPTIONS)).addToServer(grpcServer);

      if (options.onFirstAdminToken && db.dialect === 'sqlite') {
        const first = await issueFirstAdminToken(db.knex, clock.now());
        if (first) {
          logger.info({ event: 'token.first_admin_issued', tokenId: first.token.id }, 'first start: issued an admin API token');
          options.onFirstAdminToken(first);
        }
      }

      const credentials = tls ? tls.credentials : grpc.ServerCredentials.createInsecure();
      const port = await new Promise<number>((resolve, reject) => grpcServer.bindAsync(options.listen, credentials, (err, boundPort) => (err ? reject(err) : resolve(boundPort))));
      (server as { port: number }).port = port;
      server.setServing(true);
      server.databaseHealth = new DatabaseHealth({ ping: () => pingDatabase(db.knex), onChange: (answering) => server.setServing(answering), logger });
      server.databaseHealth.start();
      if (prometheus) {
        prometheus.watch({ unfinishedTasks: () => tasks.unfinishedCounts(), agentStreams: () => agents.all().length, databasePool: () => poolStats(db) });
        // The console's API calls the same managers as the gRPC services, and proves its callers as
        // the gRPC edge does: the same tokens, the same permission table, the same audit.
        server.http = await HttpListener.start({
          authorize: options.httpAuthorize ?? tokenAuthorize(guard),
          listen: options.httpListen!,
          logger,
          routes: consoleRoutes({ tasks, consumers, schedules, clock }),
          notifier,
          scrape: () => prometheus.scrape(),
          readiness: () => server.readiness(),
          livePollMs: options.watchPollMs,
        });
        (server as { httpPort: number | null }).httpPort = server.http.port;
      }
      logger.info({ event: 'server.started', listen: options.listen, port, httpListen: options.httpListen || undefined, httpPort: server.httpPort ?? undefined, store: db.dialect, serverId, internalAddress, transport: tls ? (options.tls?.clientCaFile ? 'mtls' : 'tls') : 'plaintext', certificate: tls?.summary }, 'taskplane server listening');
      return server;
    } catch (err) {
      await serverForCleanup?.http?.stop();
      serverForCleanup?.databaseHealth?.stop();
      await schedulerForCleanup?.stop();
      await rolloutsForCleanup?.stop();
      await wakerForCleanup?.stop();
      await hubForCleanup?.stop();
      await leaseForCleanup?.stop();
      grpcServerForCleanup?.forceShutdown();
      clusterServerForCleanup?.forceShutdown();
      await db.close();
      throw err;
    }
  }

  /** The bound port of the HTTP listener, or null if there is none. */
  readonly httpPort: number | null = null;

  /** /readyz: ready while not stopping, the database answers (DatabaseHealth) and no migration is pending. */
  private async readiness(): Promise<Readiness> {
    if (this.stopping) return { ready: false, checks: { server: 'stopping' } };
    if (!this.databaseHealth?.isAnswering) return { ready: false, checks: { database: 'unreachable' } };
    let timer: NodeJS.Timeout | undefined;
    const pending = await Promise.race([
      // null: the database did not answer, which readiness reports below as unreachable.
      pendingMigrations(this.db).catch(() => null),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 2000))),
    ]);
    clearTimeout(timer);
    if (pending === null) return { ready: false, checks: { database: 'unreachable' } };
    if (pending.length) return { ready: false, checks: { database: 'answering', migrations: `${pending.length} pending (${pending.join(', ')}); run taskplane migrate` } };
    return { ready: true, checks: { database: 'answering', migrations: 'current' } };
  }

  /** Reads the TLS files again (SIGHUP): new connections get the new certificate, a bad file keeps the old one. */
  reloadTls(): { ok: boolean; error?: string } {
    if (!this.tls) return { ok: false, error: 'the server does not serve TLS' };
    return this.tls.reload();
  }

  /** What the health service says of every service: SERVING only while the database answers and the server is not stopping. */
  private setServing(serving: boolean): void {
    const status = serving && !this.stopping ? 'SERVING' : 'NOT_SERVING';
    for (const name of ['', ...SERVICE_NAMES]) this.health.setStatus(name, status);
  }

  /**
   * Ordered, idempotent and bounded: report NOT_SERVING, end open streams
   * (watchers, agents and the console's live views) with UNAVAILABLE so clients reconnect elsewhere,
   * write the agent reports already received, let unary calls in
   * flight finish their writes (tryShutdown), cut what is left at the
   * deadline, then close the store.
   */
  stop(reason = 'shutdown'): Promise<void> {
    this.stopping ??= this.stopInOrder(reason);
    return this.stopping;
  }

  private async stopInOrder(reason: string): Promise<void> {
    const { logger } = this.options;
    logger.info({ event: 'server.stopping', reason }, 'taskplane server stopping');
    this.databaseHealth?.stop();
    this.setServing(false);
    this.liveStreams.closeAll();
    await this.http?.stop();
    // No new fires or releases; a pass under way finishes its transaction.
    await this.scheduler.stop();
    await this.rollouts?.stop();
    await this.waker.stop();
    // Agents reconnect elsewhere; their reports already received are written first.
    await this.agents.stop();
    // Its streams are released: give the lease up so nobody waits for it to lapse.
    await this.lease.stop();
    this.clusterServer.forceShutdown();
    const timeoutMs = this.options.shutdownTimeoutMs ?? 10_000;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        logger.warn({ event: 'server.force_shutdown', timeoutMs }, 'calls still open at the shutdown deadline; cutting them');
        this.grpcServer.forceShutdown();
        resolve();
      }, timeoutMs);
      this.grpcServer.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await this.db.close();
    logger.info({ event: 'server.stopped' }, 'taskplane server stopped');
  }
}

function hostOf(listen: string): string {
  return listen.slice(0, listen.lastIndexOf(':'));
}

/** The internal address other servers dial: a wildcard host is replaced by this machine's name. */
function advertisedAddress(listen: string, port: number): string {
  const host = hostOf(listen);
  return `${host === '0.0.0.0' || host === '[::]' || host === '' ? os.hostname() : host}:${port}`;
}
