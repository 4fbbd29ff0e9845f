import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AgentReportKind, Metrics, TaskStage } from '../metrics';
import type { TaskStateName } from '../tasks/states';
import type { Logger } from '../../common/log';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const TRANSACTION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/**
 * Methods are named by callers, so their number is not bounded by the code:
 * past this many distinct ones, further methods are counted as "other"
 * rather than growing the scrape without end.
 */
export const MAX_METHOD_LABELS = 200;

/** What the gauges read when scraped: the store's counts and the process's own state. */
export interface GaugeSources {
  /** Tasks in each unfinished state, in the whole store (one grouped COUNT). */
  unfinishedTasks(): Promise<Record<string, number>>;
  /** Agent streams held by this server now. */
  agentStreams(): number;
  /** The database connection pool now. */
  databasePool(): { used: number; free: number; pending: number };
}

export interface PrometheusMetricsOptions {
  logger: Logger;
  /** How long one count of unfinished tasks serves scrapes (default 5 s). */
  unfinishedCacheMs?: number;
  /** A count slower than this is not waited for: the scrape shows the previous one (default 2 s). */
  unfinishedTimeoutMs?: number;
}

/**
 * The server's metrics in Prometheus form (prom-client, the library Node
 * services use), on a registry of its own so that several servers in one
 * process (the tests) never share counters. README.md lists every metric.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly methods = new Set<string>();
  private readonly created: Counter;
  private readonly settled: Counter<'state' | 'method'>;
  private readonly stages: Record<TaskStage, Histogram>;
  private readonly released: Histogram;
  private readonly fireLag: Histogram;
  private readonly fires: Counter<'outcome'>;
  private readonly createTasks: Histogram;
  private readonly createSeconds: Histogram;
  private readonly settleReports: Histogram;
  private readonly settleSeconds: Histogram;
  private readonly retries: Counter;
  private readonly connects: Counter;
  private readonly disconnects: Counter<'reason'>;
  private readonly reports: Counter<'kind'>;
  private unfinished: UnfinishedCounts | null = null;

  constructor(private readonly options: PrometheusMetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.created = new Counter({ name: 'taskplane_tasks_created_total', help: 'Tasks created (CreateTask, BatchCreateTasks, CreateTaskGroup, schedule fires) by this server.', registers });
    this.settled = new Counter({
      name: 'taskplane_tasks_settled_total',
      help: `Tasks that reached a terminal state by this server's hand, by state and method (past ${MAX_METHOD_LABELS} methods, "other").`,
      labelNames: ['state', 'method'],
      registers,
    });
    const stage = (name: string, help: string) => new Histogram({ name, help, buckets: LATENCY_BUCKETS, registers });
    this.stages = {
      create_to_dispatch: stage('taskplane_task_create_to_dispatch_seconds', 'From creation (or not_before, for a task created for later) to the first send to its agent.'),
      dispatch_to_running: stage('taskplane_task_dispatch_to_running_seconds', "From the latest send of a task to its agent's accept."),
      running_to_settled: stage('taskplane_task_running_to_settled_seconds', "From the agent's accept to its reply."),
      create_to_settled: stage('taskplane_task_create_to_settled_seconds', "From creation (or not_before) to the agent's reply."),
    };
    this.released = new Histogram({ name: 'taskplane_task_release_lag_seconds', help: 'How late SCHEDULED tasks became WAITING after their not_before.', buckets: LAG_BUCKETS, registers });
    this.fireLag = new Histogram({ name: 'taskplane_schedule_fire_lag_seconds', help: "How late on-time schedule fires were handled after their time.", buckets: LAG_BUCKETS, registers });
    this.fires = new Counter({ name: 'taskplane_schedule_fires_total', help: 'Schedule fires handled by this server, by outcome: created, skipped_overlap, empty_selection, missed.', labelNames: ['outcome'], registers });
    this.createTasks = new Histogram({ name: 'taskplane_create_batch_tasks', help: 'Tasks per create transaction (group commit of CreateTask, a batch, or a group).', buckets: BATCH_BUCKETS, registers });
    this.createSeconds = new Histogram({ name: 'taskplane_create_transaction_seconds', help: 'Duration of create transactions, retries included.', buckets: TRANSACTION_BUCKETS, registers });
    this.settleReports = new Histogram({ name: 'taskplane_settlement_batch_reports', help: 'Agent reports per settlement transaction.', buckets: BATCH_BUCKETS, registers });
    this.settleSeconds = new Histogram({ name: 'taskplane_settlement_transaction_seconds', help: 'Duration of settlement transactions, retries included.', buckets: TRANSACTION_BUCKETS, registers });
    this.retries = new Counter({ name: 'taskplane_transaction_retries_total', help: 'Transactions run again from the start after a deadlock or lock-wait timeout.', registers });
    this.connects = new Counter({ name: 'taskplane_agent_connects_total', help: 'Agent streams taken by this server.', registers });
    this.disconnects = new Counter({
      name: 'taskplane_agent_disconnects_total',
      help: 'Agent streams of this server that ended, by reason: the server\'s (replaced, unregistered, shutting_down, silent, ...) or "disconnected" (the agent or the network).',
      labelNames: ['reason'],
      registers,
    });
    this.reports = new Counter({
      name: 'taskplane_agent_reports_total',
      help: 'Agent reports by what they came to: accepted, progress, reply (recorded), duplicate, foreign, unknown, stale, unrecordable.',
      labelNames: ['kind'],
      registers,
    });
  }

  /** Adds the gauges read at scrape time; until then they are absent. */
  watch(sources: GaugeSources): void {
    const registers = [this.registry];
    const unfinished = new UnfinishedCounts(sources.unfinishedTasks, this.options.unfinishedCacheMs ?? 5000, this.options.unfinishedTimeoutMs ?? 2000, this.options.logger);
    this.unfinished = unfinished;
    new Gauge({
      name: 'taskplane_tasks_unfinished',
      help: 'Tasks not yet ended, by state, in the whole database (all servers): one grouped count, cached for a few seconds.',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await unfinished.get();
        if (!counts) return;
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'taskplane_agent_streams',
      help: 'Agent streams held by this server now.',
      registers,
      collect() {
        this.set(sources.agentStreams());
      },
    });
    const pool = () => sources.databasePool();
    new Gauge({ name: 'taskplane_database_pool_used_connections', help: 'Database connections in use by this server now.', registers, collect() { this.set(pool().used); } });
    new Gauge({ name: 'taskplane_database_pool_free_connections', help: 'Idle database connections in the pool now.', registers, collect() { this.set(pool().free); } });
    new Gauge({ name: 'taskplane_database_pool_pending_acquires', help: 'Requests waiting for a database connection now.', registers, collect() { this.set(pool().pending); } });
  }

  /** How many grouped counts of unfinished tasks were run (for tests of the cache). */
  get unfinishedQueries(): number {
    return this.unfinished?.queries ?? 0;
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  tasksCreated(count: number): void {
    this.created.inc(count);
  }

  taskSettled(state: TaskStateName, method: string): void {
    this.settled.inc({ state, method: this.methodLabel(method) });
  }

  taskStage(stage: TaskStage, seconds: number): void {
    this.stages[stage].observe(seconds);
  }

  taskReleased(lagSeconds: number): void {
    this.released.observe(lagSeconds);
  }

  scheduleFired(outcome: string, lagSeconds: number | null): void {
    this.fires.inc({ outcome });
    if (lagSeconds !== null) this.fireLag.observe(lagSeconds);
  }

  scheduleFiresMissed(count: number): void {
    this.fires.inc({ outcome: 'missed' }, count);
  }

  createBatch(tasks: number, seconds: number): void {
    this.createTasks.observe(tasks);
    this.createSeconds.observe(seconds);
  }

  settlementBatch(reports: number, seconds: number): void {
    this.settleReports.observe(reports);
    this.settleSeconds.observe(seconds);
  }

  transactionsRetried(count: number): void {
    this.retries.inc(count);
  }

  agentConnected(): void {
    this.connects.inc();
  }

  agentDisconnected(reason: string): void {
    this.disconnects.inc({ reason });
  }

  agentReport(kind: AgentReportKind): void {
    this.reports.inc({ kind });
  }

  private methodLabel(method: string): string {
    if (this.methods.has(method)) return method;
    if (this.methods.size >= MAX_METHOD_LABELS) return 'other';
    this.methods.add(method);
    return method;
  }
}

/**
 * The count of unfinished tasks by state, run at most once per `cacheMs`
 * however often and however many scrapers ask (concurrent scrapes share one
 * query). A count that fails or takes longer than `timeoutMs` leaves the
 * previous one in place: a scrape must not hang on a database that does not
 * answer (the readiness check says so instead).
 */
class UnfinishedCounts {
  private value: Record<string, number> | null = null;
  private takenAt = -Infinity;
  private running: Promise<void> | null = null;
  queries = 0;

  constructor(
    private readonly read: () => Promise<Record<string, number>>,
    private readonly cacheMs: number,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async get(): Promise<Record<string, number> | null> {
    if (performance.now() - this.takenAt >= this.cacheMs) {
      this.running ??= this.refresh().finally(() => {
        this.running = null;
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.running, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.timeoutMs)))]);
      clearTimeout(timer);
    }
    return this.value;
  }

  private async refresh(): Promise<void> {
    this.queries++;
    try {
      this.value = await this.read();
    } catch (err) {
      this.logger.warn({ event: 'metrics.count_failed', err }, 'could not count unfinished tasks for /metrics; showing the previous count');
    } finally {
      // A failure waits its turn too: a database in trouble is not asked on every scrape.
      this.takenAt = performance.now();
    }
  }
}
