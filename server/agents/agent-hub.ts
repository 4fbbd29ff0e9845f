import crypto from 'node:crypto';
import os from 'node:os';
import type { Clock } from '../clock';
import type { ConsumerSessions } from '../consumers/consumer-sessions';
import type { Logger } from '../../common/log';
import type { ChangeNotifier } from '../notifier';
import { Dispatcher, type SessionDirectory } from '../dispatch/dispatcher';
import type { TaskLifecycle } from '../tasks/lifecycle';
import type { AgentReport } from '../tasks/settlement';
import { RateLimitedLog } from '../rate-limited-log';
import { AgentSession, type AgentCapabilities, type AgentChannel } from './agent-session';
import { ProgressCoalescer } from './progress-coalescer';
import { ReportBudget } from './report-budget';
import { NO_METRICS, type AgentReportKind, type Metrics } from '../metrics';
import type { ReportOutcome } from '../tasks/settlement';
import { proofHolds, type AgentProof } from '../consumers/credentials';
import type { AgentHelloRecord } from '../consumers/consumer-record';
import { SweepSlices } from '../sweep-slices';

/** What an agent sends, decoded and within limits by the transport. */
export type MessageFromAgent =
  | { kind: 'report'; report: DistributiveOmit<AgentReport, 'consumerId'> }
  | { kind: 'heartbeat' }
  /** A second hello on one stream: a protocol violation. */
  | { kind: 'hello' }
  /** A report that cannot name a task (no task_id, or one far too long): ignored and counted. */
  | { kind: 'invalid'; problem: string };

type DistributiveOmit<T, K extends keyof any> = T extends unknown ? Omit<T, K> : never;

export interface AgentHubOptions {
  lifecycle: TaskLifecycle;
  consumerSessions: ConsumerSessions;
  notifier: ChangeNotifier;
  clock: Clock;
  logger: Logger;
  serverId: string;
  /** Heartbeat period on each stream (default 10 s). */
  heartbeatIntervalMs?: number;
  /** Silence after which a stream is considered dead and released (default 30 s). */
  livenessTimeoutMs?: number;
  /** A DISPATCHED task not accepted within this is sent again (default 30 s). */
  acceptTimeoutMs?: number;
  /** Sends without an accept before such a task ends FAILED (default 4). */
  maxUnacceptedSends?: number;
  /** Safety-net poll for what other servers changed (default 250 ms). */
  pollIntervalMs?: number;
  /** A task's progress is written at most this often (default 1 s); reports in between are coalesced. */
  progressIntervalMs?: number;
  /**
   * How often the consumers of agents heard since (heartbeats included) get
   * their last_seen_time written (default 15 s): one batched UPDATE per
   * interval per server, never one per heartbeat. It is the resolution of
   * last seen while an agent is connected.
   */
  lastSeenIntervalMs?: number;
  metrics?: Metrics;
  /** False while this server holds no lease (server/cluster/server-lease.ts): new streams are refused. */
  admitting?: () => boolean;
  /** Streams the fence check and the dispatcher's poll look at per tick (default DEFAULT_SWEEP_SLICE). */
  sweepSlice?: number;
}

/** What one stream's reports may cost: each agent's budget grows with its concurrency. */
function reportBudgetFor(capabilities: AgentCapabilities): ReportBudget {
  const perSecond = Math.max(1000, capabilities.concurrency * 50);
  return new ReportBudget(perSecond, perSecond * 2);
}

/** Per stream: its progress coalescer and report budget. */
interface Inflow {
  progress: ProgressCoalescer;
  budget: ReportBudget;
}

/**
 * The agent streams this server holds, and nothing else: one live session
 * per consumer (newest wins), heartbeats and liveness, and the handing of
 * each agent message to the lifecycle (reports) and of each outcome back to
 * the stream (acks) and to the dispatcher (slots). What is sent when is the
 * dispatcher's business; what a report means is the lifecycle's.
 */
export class AgentHub implements SessionDirectory {
  private readonly sessions = new Map<string, AgentSession>();
  private readonly inflows = new Map<AgentSession, Inflow>();
  private readonly warnings: RateLimitedLog;
  readonly dispatcher: Dispatcher;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private readonly fenceTimer: NodeJS.Timeout;
  private readonly lastSeenTimer: NodeJS.Timeout;
  private stopped = false;
  readonly heartbeatIntervalMs: number;
  readonly livenessTimeoutMs: number;
  private readonly metrics: Metrics;
  private readonly fenceSweep: SweepSlices;

  constructor(private readonly options: AgentHubOptions) {
    this.fenceSweep = new SweepSlices(options.sweepSlice);
    this.metrics = options.metrics ?? NO_METRICS;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 10_000;
    this.livenessTimeoutMs = options.livenessTimeoutMs ?? 30_000;
    this.warnings = new RateLimitedLog(options.logger);
    this.dispatcher = new Dispatcher({
      lifecycle: options.lifecycle,
      sessions: this,
      notifier: options.notifier,
      clock: options.clock,
      logger: options.logger,
      acceptTimeoutMs: options.acceptTimeoutMs,
      maxUnacceptedSends: options.maxUnacceptedSends,
      pollIntervalMs: options.pollIntervalMs,
      sweepSlice: options.sweepSlice,
      metrics: this.metrics,
    });
    this.heartbeatTimer = setInterval(() => this.heartbeatAndLiveness(), Math.min(this.heartbeatIntervalMs, this.livenessTimeoutMs / 3));
    this.heartbeatTimer.unref();
    // Streams replaced or unregistered through another server end here at the next check.
    this.fenceTimer = setInterval(() => void this.checkFences().catch((err) => options.logger.error({ event: 'agent.fence_check_failed', err }, 'could not check agent streams against the store')), options.pollIntervalMs ?? 250);
    this.fenceTimer.unref();
    this.lastSeenTimer = setInterval(
      () => void this.recordSeen().catch((err) => options.logger.error({ event: 'agent.last_seen_failed', err }, 'could not record when agents were last seen')),
      options.lastSeenIntervalMs ?? 15_000,
    );
    this.lastSeenTimer.unref();
  }

  get(consumerId: string): AgentSession | undefined {
    return this.sessions.get(consumerId);
  }

  all(): AgentSession[] {
    return [...this.sessions.values()];
  }

  /**
   * Takes an authenticated stream: it becomes its consumer's one live
   * stream (here and, through the fence in the store, on every other
   * server), is welcomed, and is given what it is owed (`opened`: done,
   * never rejects). Null when the stream was refused (and ended).
   */
  async attach(channel: AgentChannel, consumerId: string, capabilities: AgentCapabilities, proof: AgentProof | null = null): Promise<{ session: AgentSession; opened: Promise<void> } | null> {
    const { logger, consumerSessions } = this.options;
    if (this.stopped) {
      channel.end('shutting_down', 'server is shutting down; reconnect');
      return null;
    }
    if (this.options.admitting && !this.options.admitting()) {
      channel.end('lease_lost', 'server is renewing its lease; reconnect');
      return null;
    }
    const session = new AgentSession(channel, consumerId, capabilities, proof);
    if (!(await consumerSessions.takeOver(consumerId, session.sessionId, capabilities))) {
      channel.end('unregistered', `consumer "${consumerId}" is not registered`);
      return null;
    }
    this.sessions.get(consumerId)?.end('replaced', 'replaced by a newer connection of the same consumer');
    this.sessions.set(consumerId, session);
    this.inflows.set(session, {
      progress: new ProgressCoalescer(this.options.progressIntervalMs ?? 1000, (progress) => this.report(session, progress)),
      budget: reportBudgetFor(capabilities),
    });
    channel.onClosed(() => void this.detach(session));
    this.metrics.agentConnected();
    this.options.notifier.consumerChanged(consumerId);
    logger.info({ event: 'agent.connected', consumerId, sessionId: session.sessionId, agentVersion: capabilities.agentVersion, concurrency: capabilities.concurrency, methods: [...capabilities.methods] }, 'agent connected');
    session.send({ kind: 'welcome', serverId: this.options.serverId, heartbeatIntervalMs: this.heartbeatIntervalMs, livenessTimeoutMs: this.livenessTimeoutMs });
    const opened = this.dispatcher.sessionOpened(session).catch((err) => {
      logger.error({ event: 'agent.open_failed', err, consumerId }, 'could not send a new stream what it is owed; reconnect');
      session.end('store_failed', 'could not read what this agent is owed; reconnect');
    });
    return { session, opened };
  }

  /** The stream is gone: forget it and mark the consumer offline unless a newer stream took over. */
  private async detach(session: AgentSession): Promise<void> {
    if (this.sessions.get(session.consumerId) === session) this.sessions.delete(session.consumerId);
    this.inflows.get(session)?.progress.close();
    this.inflows.delete(session);
    this.metrics.agentDisconnected(session.endReason ?? 'disconnected');
    // Tasks in flight stay DISPATCHED/RUNNING: they are sent again when the
    // agent comes back (guarantee 2); a cancel or timeout meanwhile is a
    // request it hears then, and only its reply (or the abandon deadline) ends them.
    await this.options.consumerSessions.release(session.consumerId, session.sessionId).catch((err) =>
      this.options.logger.error({ event: 'agent.release_failed', err, consumerId: session.consumerId }, 'could not mark consumer offline'),
    );
    this.options.notifier.consumerChanged(session.consumerId);
  }

  /**
   * One message from an agent, already decoded and within the protocol's
   * limits. Accepts and replies spend the stream's budget (an agent that
   * floods loses its stream, nobody else's); progress is coalesced per task.
   */
  receive(session: AgentSession, message: MessageFromAgent): void {
    session.heard();
    const inflow = this.inflows.get(session);
    if (!inflow || session.closed) return;
    switch (message.kind) {
      case 'heartbeat':
        return; // being heard is all it does
      case 'hello':
        session.end('protocol_violation', 'hello was already received on this stream');
        return;
      case 'invalid':
        this.warnings.warn(`${session.consumerId}:invalid`, { event: 'agent.invalid_report', consumerId: session.consumerId, problem: message.problem }, 'ignored an agent report that names no task');
        return;
      case 'report': {
        const report = { ...message.report, consumerId: session.consumerId } as AgentReport;
        // Progress is bounded by coalescing (one write a second per task, the latest wins); accepts
        // and replies each cost the store, and an agent sends a few per task: those spend the budget.
        if (report.kind === 'progress') {
          inflow.progress.offer(report);
          return;
        }
        if (!inflow.budget.take()) {
          session.end('flooding', 'the agent sent more reports than its budget allows; reconnect and send less');
          return;
        }
        if (report.kind === 'reply') inflow.progress.forget(report.taskId);
        this.report(session, report);
      }
    }
  }

  private report(session: AgentSession, report: AgentReport): void {
    const { logger } = this.options;
    this.options.lifecycle.report(report).then(
      (outcome) => {
        this.metrics.agentReport(reportKind(report, outcome));
        if (report.kind === 'accepted' && outcome === 'applied') {
          const sent = session.sinceSent(report.taskId);
          if (sent !== undefined) this.metrics.taskStage('dispatch_to_running', sent / 1000);
        }
        if (report.kind === 'accepted' && (outcome === 'applied' || outcome === 'duplicate')) this.dispatcher.accepted(session, report.taskId);
        if (report.kind !== 'reply') return;
        if (outcome === 'foreign_task') return; // refused: no ack, it is not this agent's to forget
        session.send({ kind: 'replyAck', taskId: report.taskId });
        this.dispatcher.settled(session, report.taskId);
      },
      (err) => {
        // Not recorded: the agent keeps the reply in its outbox and sends it
        // again on its next connection.
        logger.error({ event: 'agent.report_failed', err, consumerId: session.consumerId, taskId: report.taskId, kind: report.kind }, 'could not record agent report');
        session.end('store_failed', 'could not record a report; reconnect');
      },
    );
  }

  /** Writes "seen now" for the consumers whose live streams were heard since the last pass: one batched write, whatever the number of heartbeats. */
  private async recordSeen(): Promise<void> {
    const heard = this.all().filter((s) => !s.closed && s.heardSinceSeen);
    if (heard.length === 0) return;
    for (const s of heard) s.heardSinceSeen = false;
    await this.options.consumerSessions.seen(heard.map((s) => ({ consumerId: s.consumerId, sessionId: s.sessionId })));
  }

  /** Ends local streams that the store says were replaced, unregistered or whose credential was revoked (here or through another server); a slice of them per tick. */
  private async checkFences(): Promise<void> {
    const local = this.fenceSweep.next(this.all().filter((s) => !s.closed));
    if (local.length === 0) return;
    const fences = await this.options.consumerSessions.fences(local.map((s) => s.consumerId));
    const now = this.options.consumerSessions.now();
    for (const s of local) {
      const fence = fences.get(s.consumerId);
      if (fence === undefined) s.end('unregistered', 'consumer was unregistered');
      // Offline in the store while live here: another server reaped this one's lease.
      else if (fence.sessionId === null) s.end('released', 'the stream was marked gone (this server missed its lease); reconnect');
      else if (fence.sessionId !== s.sessionId) s.end('replaced', 'replaced by a newer connection of the same consumer');
      else if (s.proof && !proofHolds(s.proof, fence.credentials, now)) s.end('revoked', 'the credential of this agent was revoked or its grace period ended');
    }
  }

  private heartbeatAndLiveness(): void {
    const time = this.options.clock.now();
    for (const [session, inflow] of this.inflows) {
      const coalesced = inflow.progress.takeDropped();
      if (coalesced > 0) this.options.logger.info({ event: 'agent.progress_coalesced', consumerId: session.consumerId, coalesced }, 'progress reports replaced by later ones before they were written');
    }
    for (const session of this.sessions.values()) {
      if (session.silentFor() > this.livenessTimeoutMs) session.end('silent', `no message from the agent for ${this.livenessTimeoutMs} ms`);
      else session.send({ kind: 'heartbeat', time });
    }
  }

  /** This server's lease was reaped: its streams are marked gone in the store, so end them all (agents reconnect). */
  leaseLost(): void {
    for (const s of this.all()) s.end('lease_lost', 'this server lost its lease; reconnect');
  }

  /** The hello of the consumer's live stream here, if it is here (what a create forwarded here is checked against). */
  liveHello(consumerId: string): AgentHelloRecord | undefined {
    const session = this.sessions.get(consumerId);
    if (!session || session.closed) return undefined;
    const { agentVersion, methods } = session.capabilities;
    return { agentVersion, methods: [...methods].sort(), helloTime: session.openTime };
  }

  /** Wake-ups from another server (server/grpc/cluster-service.ts): work or cancellations for consumers whose streams are here. */
  wake(workConsumerIds: string[], cancelConsumerIds: string[]): void {
    for (const id of workConsumerIds) this.dispatcher.workArrived(id);
    for (const id of cancelConsumerIds) this.dispatcher.cancelRequested(id);
  }

  /** Ends every stream (agents reconnect elsewhere) once their reports already received are written. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.fenceTimer);
    clearInterval(this.lastSeenTimer);
    this.warnings.stop();
    const dispatcherStopped = this.dispatcher.stop();
    const sessions = this.all();
    for (const s of sessions) s.end('shutting_down', 'server is shutting down; reconnect');
    await dispatcherStopped;
    await this.options.lifecycle.drainReports();
    await Promise.allSettled(sessions.map((s) => this.options.consumerSessions.release(s.consumerId, s.sessionId)));
  }
}

/** What a report came to, as AgentReportKind counts it. */
function reportKind(report: AgentReport, outcome: ReportOutcome): AgentReportKind {
  switch (outcome) {
    case 'applied':
      return report.kind;
    case 'foreign_task':
      return 'foreign';
    case 'unknown_task':
      return 'unknown';
    default:
      return outcome;
  }
}

/** Names this server process in logs and welcomes. */
export function newServerId(): string {
  return `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
}
