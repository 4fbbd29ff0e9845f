import crypto from 'node:crypto';
import os from 'node:os';
import * as grpc from '@grpc/grpc-js';
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { ConsumerRegistry } from '../consumers/consumer-registry';
import type { Logger } from '../../shared/log';
import type { ChangeNotifier } from '../notifier';
import type { Dialect } from '../store/database';
import { transactionWithRetry } from '../store/batching';
import {
  cancellationsDue,
  claimForConsumers,
  clearAgentCancelPending,
  consumersWithWaitingTasks,
  markResent,
  overdueRunningTasks,
  redeliverInFlight,
  releaseConsumer,
  sessionsOf,
  takeOverConsumer,
} from '../store/dispatch-store';
import { transitionTask } from '../store/task-store';
import type { TaskRecord } from '../tasks/task-record';
import type { AgentReport, TaskSettler } from '../dispatch/task-settler';
import type { ConnectRequest__Output as ConnectRequestMessage } from '../../protos/generated/taskplane/v1/ConnectRequest';
import { msToDuration, msToTimestamp } from '../../shared/proto-time';
import { AgentSession, type AgentCapabilities, type AgentStream } from './agent-session';
import type { HandOffSlot, TaskHandOff } from '../tasks/task-manager';

/** Consumers claimed for in one transaction. */
const DISPATCH_BATCH = 200;

export interface AgentHubOptions {
  db: Knex;
  dialect: Dialect;
  clock: Clock;
  notifier: ChangeNotifier;
  consumers: ConsumerRegistry;
  settler: TaskSettler;
  logger: Logger;
  serverId: string;
  /** Heartbeat period on each stream. */
  heartbeatIntervalMs?: number;
  /** Silence after which a stream is considered dead and released (default 30 s). */
  livenessTimeoutMs?: number;
  /** A DISPATCHED task not accepted within this is sent again. */
  acceptTimeoutMs?: number;
  /** Safety-net poll for work and cancellations that other servers created. */
  pollIntervalMs?: number;
}

/**
 * Every agent stream this server holds, and the delivery of tasks to them:
 * FIFO per consumer within the agent's concurrency (guarantee 3), redelivery
 * after reconnects (guarantee 2), cancellations and timeouts (guarantee 5),
 * one live stream per consumer.
 *
 * Work reaches a stream at once through local wake-ups (ChangeNotifier);
 * work created on another server is found by a poll of `pollIntervalMs`,
 * one query for all local streams.
 */
export class AgentHub implements TaskHandOff {
  private readonly sessions = new Map<string, AgentSession>();
  /** Consumers whose streams asked for a claim; served in batches by dispatchAll(). */
  private readonly wantsDispatch = new Set<string>();
  private dispatchLoop: Promise<void> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly unsubscribe: Array<() => void>;
  readonly heartbeatIntervalMs: number;
  readonly livenessTimeoutMs: number;
  private readonly acceptTimeoutMs: number;
  private readonly pollIntervalMs: number;

  constructor(private readonly options: AgentHubOptions) {
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 10_000;
    this.livenessTimeoutMs = options.livenessTimeoutMs ?? 30_000;
    this.acceptTimeoutMs = options.acceptTimeoutMs ?? 30_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.unsubscribe = [
      options.notifier.onConsumerWork((consumerId) => this.workArrived(consumerId)),
      options.notifier.onCancelRequested((consumerId) => this.cancelRequested(consumerId)),
    ];
    this.schedulePoll();
    this.heartbeatTimer = setInterval(() => this.heartbeatAndLiveness(), Math.min(this.heartbeatIntervalMs, this.livenessTimeoutMs / 3));
    this.heartbeatTimer.unref();
  }

  isConnected(consumerId: string): boolean {
    return this.sessions.has(consumerId);
  }

  get connectedCount(): number {
    return this.sessions.size;
  }

  /**
   * Takes a new stream from authentication to its end. Called by the gRPC
   * handler after the credential was verified and the hello read.
   */
  async attach(stream: AgentStream, consumerId: string, capabilities: AgentCapabilities): Promise<void> {
    const { logger, clock, db } = this.options;
    if (this.stopped) {
      stream.emit('error', { code: grpc.status.UNAVAILABLE, details: 'server is shutting down; reconnect' });
      return;
    }
    const session = new AgentSession(stream, consumerId, capabilities, logger);
    // Newest wins: this stream becomes the consumer's one live stream, here
    // and (through the fence in claimForConsumers and confirmHandOff) on every other server.
    if (!(await takeOverConsumer(db, consumerId, session.sessionId, this.options.serverId, clock.now()))) {
      stream.emit('error', { code: grpc.status.UNAUTHENTICATED, details: `consumer "${consumerId}" is not registered` });
      return;
    }
    this.sessions.get(consumerId)?.end(grpc.status.ABORTED, 'replaced by a newer connection of the same consumer');
    this.sessions.set(consumerId, session);
    logger.info({ event: 'agent.connected', consumerId, sessionId: session.sessionId, agentVersion: capabilities.agentVersion, concurrency: capabilities.concurrency, methods: [...capabilities.methods] }, 'agent connected');
    session.send({
      welcome: {
        serverId: this.options.serverId,
        heartbeatIntervalDuration: msToDuration(this.heartbeatIntervalMs),
        livenessTimeoutDuration: msToDuration(this.livenessTimeoutMs),
      },
    });

    stream.on('data', (message) => this.onMessage(session, message));
    stream.resume();
    const closed = new Promise<void>((resolve) => {
      const onEnd = () => resolve();
      stream.on('end', onEnd);
      stream.on('cancelled', onEnd);
      stream.on('close', onEnd);
      stream.on('error', onEnd);
    });

    await this.redeliver(session);
    this.workArrived(consumerId);
    await this.deliverCancellations([session]);
    await closed;
    await this.detach(session);
  }

  private async detach(session: AgentSession): Promise<void> {
    if (!session.closed) session.end(grpc.status.OK, 'agent closed the stream');
    if (this.sessions.get(session.consumerId) === session) this.sessions.delete(session.consumerId);
    // Tasks in flight stay DISPATCHED/RUNNING: they are sent again when the
    // agent comes back (guarantee 2), and time out meanwhile if they must.
    await releaseConsumer(this.options.db, session.consumerId, session.sessionId, this.options.clock.now()).catch((err) =>
      this.options.logger.error({ event: 'agent.release_failed', err, consumerId: session.consumerId }, 'could not mark consumer offline'),
    );
  }

  private onMessage(session: AgentSession, message: ConnectRequestMessage): void {
    session.lastHeardAt = Date.now();
    if (message.accepted) this.onReport(session, { kind: 'accepted', consumerId: session.consumerId, taskId: message.accepted.taskId });
    else if (message.progress) {
      const p = message.progress;
      this.onReport(session, { kind: 'progress', consumerId: session.consumerId, taskId: p.taskId, percent: Math.max(0, Math.min(100, p.percent | 0)), message: p.message.slice(0, 1000), detailsJson: p.detailsJson.slice(0, 16384) });
    } else if (message.reply) {
      const r = message.reply;
      const error = r.outcome === 'error' && r.error ? { type: r.error.type || 'Error', message: r.error.message, detailsJson: r.error.detailsJson } : null;
      this.onReport(session, { kind: 'reply', consumerId: session.consumerId, taskId: r.taskId, resultJson: error ? null : r.resultJson || 'null', error });
    } else if (message.hello) {
      session.end(grpc.status.FAILED_PRECONDITION, 'hello was already received on this stream');
    }
    // heartbeat: lastHeardAt above is all it does.
  }

  private onReport(session: AgentSession, report: AgentReport): void {
    const { logger } = this.options;
    if (!report.taskId) {
      logger.warn({ event: 'agent.bad_report', consumerId: session.consumerId, kind: report.kind }, 'report without task_id ignored');
      return;
    }
    this.options.settler.report(report).then(
      (outcome) => {
        if (report.kind === 'accepted' && (outcome === 'applied' || outcome === 'duplicate')) {
          session.clearTimer(report.taskId);
          this.armTimeout(session, report.taskId);
        }
        if (report.kind !== 'reply') return;
        if (outcome === 'foreign_task') return; // refused: no ack, it is not this agent's to forget
        session.send({ replyAck: { taskId: report.taskId } });
        if (session.release(report.taskId)) this.slotFreed(session);
      },
      (err) => {
        // Not recorded: the agent keeps the reply in its outbox and sends it
        // again on its next connection.
        logger.error({ event: 'agent.report_failed', err, consumerId: session.consumerId, taskId: report.taskId, kind: report.kind }, 'could not record agent report');
        session.end(grpc.status.UNAVAILABLE, 'could not record a report; reconnect');
      },
    );
  }

  /** Sends again what this consumer had in flight when its previous stream ended. */
  private async redeliver(session: AgentSession): Promise<void> {
    const tasks = await this.options.db.transaction((trx) => redeliverInFlight(trx, session.consumerId, this.options.clock.now()));
    for (const task of tasks) this.sendTask(session, task, 'redelivered after reconnect');
  }

  /**
   * Hand-off (TaskHandOff): a slot for a task being created, if the
   * consumer's stream is here with room and, as far as this server knows,
   * nothing older waiting; the creating transaction confirms both.
   */
  reserve(consumerId: string, method: string): HandOffSlot | null {
    const session = this.sessions.get(consumerId);
    if (!session || session.closed || this.stopped || session.mayHaveWork || session.freeSlots === 0 || !session.canRun(method)) return null;
    session.reserved++;
    let settled = false;
    return {
      sessionId: session.sessionId,
      send: (task) => {
        if (settled) return;
        settled = true;
        session.reserved--;
        if (!session.closed) this.sendTask(session, task, 'handed off at creation');
      },
      release: () => {
        if (settled) return;
        settled = true;
        session.reserved--;
      },
    };
  }

  /** Work may be waiting for this consumer (created, released, found by the poll): claim for it soon. */
  workArrived(consumerId: string): void {
    const session = this.sessions.get(consumerId);
    if (!session) return;
    session.workGeneration++;
    session.mayHaveWork = true;
    this.scheduleDispatch(session);
  }

  /** A slot freed: claim again only if the last claim left work behind or work arrived since. */
  private slotFreed(session: AgentSession): void {
    if (session.mayHaveWork) this.scheduleDispatch(session);
  }

  private scheduleDispatch(session: AgentSession): void {
    if (session.closed || this.stopped || session.freeSlots === 0) return;
    this.wantsDispatch.add(session.consumerId);
    this.startDispatchLoop();
  }

  private startDispatchLoop(): void {
    if (this.dispatchLoop || this.stopped) return;
    this.dispatchLoop = this.dispatchAll().finally(() => {
      this.dispatchLoop = null;
      if (this.wantsDispatch.size > 0) this.startDispatchLoop();
    });
  }

  /**
   * The dispatcher: claims for every stream that asked, many consumers per
   * transaction (claimForConsumers), until nobody asks. A claim that ran
   * while new work arrived for its consumer does not clear the consumer's
   * "may have work" mark (workGeneration), so no wake-up is lost.
   */
  private async dispatchAll(): Promise<void> {
    const { db, dialect, clock, notifier, logger } = this.options;
    while (this.wantsDispatch.size > 0 && !this.stopped) {
      const batch: AgentSession[] = [];
      for (const consumerId of this.wantsDispatch) {
        this.wantsDispatch.delete(consumerId);
        const session = this.sessions.get(consumerId);
        if (session && !session.closed && session.freeSlots > 0) batch.push(session);
        if (batch.length === DISPATCH_BATCH) break;
      }
      if (batch.length === 0) continue;
      const generations = batch.map((s) => s.workGeneration);
      let results;
      try {
        results = await transactionWithRetry(db, (trx) =>
          claimForConsumers(trx, dialect, batch.map((s) => ({ consumerId: s.consumerId, sessionId: s.sessionId, canRun: (m: string) => s.canRun(m), limit: s.freeSlots })), clock.now()),
        );
      } catch (err) {
        logger.error({ event: 'dispatch.failed', err, consumers: batch.length }, 'dispatch failed; the poll will try again');
        return;
      }
      batch.forEach((session, i) => {
        const result = results.get(session.consumerId)!;
        if (!result.live) {
          session.end(grpc.status.ABORTED, 'replaced by a newer connection of the same consumer');
          return;
        }
        for (const id of result.ended) notifier.taskChanged(id);
        for (const task of result.dispatched) {
          notifier.taskChanged(task.id);
          this.sendTask(session, task, 'dispatched');
        }
        if (!result.more && session.workGeneration === generations[i]) session.mayHaveWork = false;
        if (session.mayHaveWork) this.scheduleDispatch(session);
      });
    }
  }

  private sendTask(session: AgentSession, task: TaskRecord, why: string): void {
    session.inFlight.add(task.id);
    session.timeouts.set(task.id, task.timeoutMs);
    session.send({
      taskRequest: {
        taskId: task.id,
        method: task.method,
        argumentsJson: task.argumentsJson,
        attempt: task.attempt,
        notBeforeTime: msToTimestamp(task.notBefore),
        notAfterTime: msToTimestamp(task.notAfter),
        timeoutDuration: msToDuration(task.timeoutMs),
      },
    });
    this.options.logger.info({ event: 'task.sent', taskId: task.id, consumerId: session.consumerId, method: task.method, attempt: task.attempt, why }, 'task sent to agent');
    if (task.state === 'RUNNING') this.armTimeout(session, task.id, task.startTime);
    else session.setTimer(task.id, this.acceptTimeoutMs, () => this.resendUnaccepted(session, task));
  }

  /** A dispatched task the agent did not accept in time is sent again (its journal prevents a second run). */
  private async resendUnaccepted(session: AgentSession, task: TaskRecord): Promise<void> {
    if (session.closed || !session.inFlight.has(task.id)) return;
    if (await markResent(this.options.db, task.id, this.options.clock.now())) {
      this.sendTask(session, { ...task, attempt: task.attempt + 1 }, 'not accepted in time');
    }
  }

  /**
   * Arms the task's timeout, counted from RUNNING (`startTime`, or now for a
   * task just accepted). This timer makes the timeout prompt; the poll's
   * overdueRunningTasks is the safety net if this server dies.
   */
  private armTimeout(session: AgentSession, taskId: string, startTime: number | null = null): void {
    const timeoutMs = session.timeouts.get(taskId);
    if (timeoutMs == null || session.closed) return;
    const now = this.options.clock.now();
    const dueIn = (startTime ?? now) + timeoutMs - now;
    session.setTimer(taskId, Math.max(0, dueIn), () => void this.timeOut(taskId).catch((err) => this.options.logger.error({ event: 'timeout.failed', err, taskId }, 'could not time out task')));
  }

  /**
   * Ends a RUNNING task past its timeout as TIMED_OUT and tells its agent to
   * stop (now if connected here, else when it next connects: the flag
   * agent_cancel_pending). Safe to race with other servers and the reply:
   * the conditional update lets exactly one of them win.
   */
  async timeOut(taskId: string): Promise<boolean> {
    const { db, clock, notifier, logger } = this.options;
    const now = clock.now();
    const won = await db.transaction(async (trx) => {
      const ok = await transitionTask(trx, taskId, 'TIMED_OUT', now, 'timeout passed', { endTime: now, error: { type: 'TimedOut', message: 'the task ran longer than its timeout', detailsJson: '' } }, ['RUNNING']);
      if (ok) await trx('tasks').where({ id: taskId }).update({ agent_cancel_pending: true });
      return ok;
    });
    if (!won) return false;
    logger.info({ event: 'task.timed_out', taskId }, 'task timed out');
    notifier.taskChanged(taskId);
    const row = await db('tasks').select('consumer_id').where({ id: taskId }).first();
    const session = row && this.sessions.get(row.consumer_id);
    if (session) await this.deliverCancellations([session]);
    return true;
  }

  /** Sends cancellations due to these sessions' consumers: cancel requests in flight, and tasks ended while the agent was away. */
  private async deliverCancellations(sessions: AgentSession[]): Promise<void> {
    const live = sessions.filter((s) => !s.closed);
    if (live.length === 0) return;
    const due = await cancellationsDue(this.options.db, live.map((s) => s.consumerId));
    const told: string[] = [];
    for (const c of due) {
      const session = this.sessions.get(c.consumerId);
      if (!session || session.closed) continue;
      if (!session.cancelsSent.has(c.taskId)) {
        session.cancelsSent.add(c.taskId);
        session.send({ cancellation: { taskId: c.taskId, reason: c.reason } });
        this.options.logger.info({ event: 'task.cancel_sent', taskId: c.taskId, consumerId: c.consumerId, reason: c.reason }, 'cancellation sent to agent');
      }
      if (c.ended) {
        told.push(c.taskId);
        // The task is over: its slot is free even if the agent never replies.
        if (session.release(c.taskId)) this.slotFreed(session);
      }
    }
    await clearAgentCancelPending(this.options.db, told);
  }

  /** Wake-up for a consumer's cancel request made through this server. */
  private cancelRequested(consumerId: string): void {
    const session = this.sessions.get(consumerId);
    if (session) void this.deliverCancellations([session]).catch((err) => this.options.logger.error({ event: 'cancel.deliver_failed', err }, 'could not deliver cancellation'));
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.poll()
        .catch((err) => this.options.logger.error({ event: 'hub.poll_failed', err }, 'agent hub poll failed'))
        .finally(() => this.schedulePoll());
    }, this.pollIntervalMs);
    this.pollTimer.unref();
  }

  /**
   * The safety net for what other servers changed: streams replaced
   * elsewhere end, work created elsewhere is claimed, cancellations requested
   * elsewhere are delivered, and overdue tasks whose stream died time out.
   */
  private async poll(): Promise<void> {
    const { db, clock } = this.options;
    const overdue = await overdueRunningTasks(db, clock.now());
    for (const t of overdue) await this.timeOut(t.id);
    const local = [...this.sessions.values()].filter((s) => !s.closed);
    if (local.length === 0) return;
    const current = await sessionsOf(db, local.map((s) => s.consumerId));
    for (const s of local) {
      const owner = current.get(s.consumerId);
      if (owner === undefined) s.end(grpc.status.UNAUTHENTICATED, 'consumer was unregistered');
      else if (owner !== s.sessionId) s.end(grpc.status.ABORTED, 'replaced by a newer connection of the same consumer');
    }
    const withRoom = local.filter((s) => !s.closed && s.freeSlots > 0).map((s) => s.consumerId);
    for (const consumerId of await consumersWithWaitingTasks(db, withRoom)) this.workArrived(consumerId);
    await this.deliverCancellations(local);
  }

  private heartbeatAndLiveness(): void {
    const now = Date.now();
    const sendTime = msToTimestamp(this.options.clock.now());
    for (const session of this.sessions.values()) {
      if (now - session.lastHeardAt > this.livenessTimeoutMs) {
        session.end(grpc.status.UNAVAILABLE, `no message from the agent for ${this.livenessTimeoutMs} ms`);
      } else {
        session.send({ heartbeat: { sendTime } });
      }
    }
  }

  /** Ends every stream with UNAVAILABLE (agents reconnect elsewhere) and waits for their reports to be written. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    const sessions = [...this.sessions.values()];
    for (const s of sessions) s.end(grpc.status.UNAVAILABLE, 'server is shutting down; reconnect');
    await this.dispatchLoop?.catch(() => {});
    await this.options.settler.drain();
    await Promise.allSettled(sessions.map((s) => releaseConsumer(this.options.db, s.consumerId, s.sessionId, this.options.clock.now())));
  }
}

/** Names this server process in logs and in consumers.session_server. */
export function newServerId(): string {
  return `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
}
