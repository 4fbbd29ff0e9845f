import type { Clock } from '../clock';
import type { Logger } from '../../common/log';
import type { ChangeNotifier } from '../notifier';
import type { AgentSession } from '../agents/agent-session';
import type { HandOffSlot, TaskHandOff, TaskLifecycle } from '../tasks/lifecycle';
import { TASK_STATES } from '../tasks/states';
import type { TaskRecord } from '../tasks/task-record';
import { dueTime, NO_METRICS, secondsBetween, type Metrics } from '../metrics';
import { SweepSlices } from '../sweep-slices';

/** Consumers claimed for in one transaction. */
const DISPATCH_BATCH = 200;

/** The live streams of this server, by consumer (the agent hub). */
export interface SessionDirectory {
  get(consumerId: string): AgentSession | undefined;
  all(): AgentSession[];
}

export interface DispatcherOptions {
  lifecycle: TaskLifecycle;
  sessions: SessionDirectory;
  notifier: ChangeNotifier;
  clock: Clock;
  logger: Logger;
  /** A DISPATCHED task not accepted within this is sent again (default 30 s). */
  acceptTimeoutMs?: number;
  /** Sends on one stream without an accept before the task ends FAILED (NotAccepted) (default 4). */
  maxUnacceptedSends?: number;
  /** Safety-net poll for work, cancellations and timeouts that other servers caused (default 250 ms). */
  pollIntervalMs?: number;
  /** Streams the poll looks at per tick (default DEFAULT_SWEEP_SLICE). */
  sweepSlice?: number;
  metrics?: Metrics;
}

/**
 * Decides what each local agent stream is sent, and when: claims of WAITING
 * tasks in order within each agent's free slots (guarantee 3), hand-off of
 * new tasks at creation, redelivery on a new stream and resending of
 * unaccepted tasks (guarantee 2), the timeout of each running task and the
 * delivery of cancellations (guarantee 5). Every change of a task goes
 * through the lifecycle; this class only chooses and sends.
 *
 * Work reaches a stream at once through local wake-ups (ChangeNotifier);
 * work created on another server is found by a poll of `pollIntervalMs`.
 */
export class Dispatcher implements TaskHandOff {
  /** Consumers whose streams asked for a claim; served in batches by claimAll(). */
  private readonly wantsClaim = new Set<string>();
  private claimLoop: Promise<void> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly unsubscribe: Array<() => void>;
  private readonly acceptTimeoutMs: number;
  private readonly maxUnacceptedSends: number;
  private readonly pollIntervalMs: number;
  private readonly pollSweep: SweepSlices;

  constructor(private readonly options: DispatcherOptions) {
    this.pollSweep = new SweepSlices(options.sweepSlice);
    this.acceptTimeoutMs = options.acceptTimeoutMs ?? 30_000;
    this.maxUnacceptedSends = options.maxUnacceptedSends ?? 4;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.unsubscribe = [
      options.notifier.onConsumerWork((consumerId) => this.workArrived(consumerId)),
      options.notifier.onCancelRequested((consumerId) => this.cancelRequested(consumerId)),
    ];
    this.schedulePoll();
  }

  /** A new stream: send again what its consumer had in flight, then look for work and owed cancellations. */
  async sessionOpened(session: AgentSession): Promise<void> {
    for (const task of await this.options.lifecycle.redeliver(session.consumerId)) this.send(session, task, 'redelivered after reconnect');
    this.workArrived(session.consumerId);
    await this.deliverCancellations([session]);
  }

  /**
   * Hand-off: a slot for a task being created, if the consumer's stream is
   * here with room and, as far as this server knows, nothing older waiting;
   * the creating transaction confirms both.
   */
  reserve(consumerId: string, method: string): HandOffSlot | null {
    const session = this.options.sessions.get(consumerId);
    if (!session || this.stopped) return null;
    return session.reserveSlot(method, (task) => this.send(session, task, 'handed off at creation'));
  }

  /** The agent accepted a task: its timeout now runs. */
  accepted(session: AgentSession, taskId: string): void {
    session.clearTimer(taskId);
    this.armTimeout(session, taskId);
  }

  /** A task of this stream is settled: its slot is free. */
  settled(session: AgentSession, taskId: string): void {
    if (session.release(taskId)) this.slotFreed(session);
  }

  /** Work may be waiting for this consumer (created, released, found by the poll): claim for it soon. */
  workArrived(consumerId: string): void {
    const session = this.options.sessions.get(consumerId);
    if (!session) return;
    session.workGeneration++;
    session.mayHaveWork = true;
    this.wantClaim(session);
  }

  /** A slot freed: claim again only if the last claim left work behind or work arrived since. */
  private slotFreed(session: AgentSession): void {
    if (session.mayHaveWork) this.wantClaim(session);
  }

  private wantClaim(session: AgentSession): void {
    if (session.closed || this.stopped || session.freeSlots === 0) return;
    this.wantsClaim.add(session.consumerId);
    this.startClaimLoop();
  }

  private startClaimLoop(): void {
    if (this.claimLoop || this.stopped) return;
    // Started at the end of this turn of the event loop, not at once: the
    // slots a settlement batch frees are all freed in one turn (its
    // replies resolve together), so they are claimed for in one transaction
    // rather than one by one.
    this.claimLoop = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.claimAll())
      .catch((err) => this.options.logger.error({ event: 'dispatch.failed', err }, 'dispatch failed; the poll will try again'))
      .finally(() => {
        this.claimLoop = null;
        if (this.wantsClaim.size > 0) this.startClaimLoop();
      });
  }

  /**
   * Claims for every stream that asked, many consumers per transaction,
   * until nobody asks. A claim that ran while new work arrived for its
   * consumer does not clear the consumer's "may have work" mark
   * (workGeneration), so no wake-up is lost.
   */
  private async claimAll(): Promise<void> {
    while (this.wantsClaim.size > 0 && !this.stopped) {
      const batch: AgentSession[] = [];
      for (const consumerId of this.wantsClaim) {
        this.wantsClaim.delete(consumerId);
        const session = this.options.sessions.get(consumerId);
        if (session && !session.closed && session.freeSlots > 0) batch.push(session);
        if (batch.length === DISPATCH_BATCH) break;
      }
      if (batch.length === 0) continue;
      const generations = batch.map((s) => s.workGeneration);
      let results;
      try {
        results = await this.options.lifecycle.claim(batch.map((s) => ({ consumerId: s.consumerId, sessionId: s.sessionId, canRun: (m: string) => s.canRun(m), limit: s.freeSlots })));
      } catch (err) {
        // A lost connection may have lost only the answer: the claim may have committed, and its tasks wait DISPATCHED
        // for a stream that never got them. The poll compares these streams with the store once it answers.
        for (const session of batch) session.needsResync = true;
        this.options.logger.error({ event: 'dispatch.failed', err, consumers: batch.length }, 'dispatch failed; the poll will try again');
        return;
      }
      batch.forEach((session, i) => {
        const result = results.get(session.consumerId)!;
        if (!result.live) {
          if (result.offline) session.end('released', 'the stream was marked gone (this server missed its lease); reconnect');
          else session.end('replaced', 'replaced by a newer connection of the same consumer');
          return;
        }
        for (const task of result.dispatched) this.send(session, task, 'dispatched');
        if (!result.more && session.workGeneration === generations[i]) session.mayHaveWork = false;
        if (session.mayHaveWork) this.wantClaim(session);
      });
    }
  }

  /** Sends a task; `sends` counts the sends of it on this stream that were not accepted yet. */
  private send(session: AgentSession, task: TaskRecord, why: string, sends = 1): void {
    session.sendTask(task);
    if (task.attempt === 1 && task.state === TASK_STATES.DISPATCHED) (this.options.metrics ?? NO_METRICS).taskStage('create_to_dispatch', secondsBetween(dueTime(task), this.options.clock.now()));
    this.options.logger.info({ event: 'task.sent', taskId: task.id, consumerId: session.consumerId, method: task.method, attempt: task.attempt, why }, 'task sent to agent');
    if (task.state === TASK_STATES.RUNNING) this.armTimeout(session, task.id, task.startTime);
    else this.armResend(session, task, sends);
  }

  private armResend(session: AgentSession, task: TaskRecord, sends: number): void {
    session.setTimer(task.id, this.acceptTimeoutMs, () => {
      this.resendUnaccepted(session, task, sends).catch((err) => {
        // The store did not answer (an outage): look again after another interval.
        this.options.logger.error({ event: 'dispatch.background_failed', what: 'resend', err, taskId: task.id }, 'resend failed; trying again later');
        if (!session.closed && session.holds(task.id)) this.armResend(session, task, sends);
      });
    });
  }

  /**
   * A dispatched task the agent did not accept in time is sent again (its
   * journal prevents a second run); after maxUnacceptedSends it ends FAILED
   * (NotAccepted) rather than being resent for as long as the agent lives.
   */
  private async resendUnaccepted(session: AgentSession, task: TaskRecord, sends: number): Promise<void> {
    if (session.closed || !session.holds(task.id)) return;
    if (sends >= this.maxUnacceptedSends) {
      if (await this.options.lifecycle.failUnaccepted(task.id, sends)) this.settled(session, task.id);
      return;
    }
    const again = await this.options.lifecycle.resend(task);
    if (again && !session.closed) this.send(session, again, 'not accepted in time', sends + 1);
  }

  /**
   * Arms the task's timeout, counted from RUNNING (`startTime`, or now for a
   * task just accepted): when it passes the agent is asked to stop the task.
   * This timer makes it prompt; the poll's sweep is the safety net if this
   * server dies or the stream ends first.
   */
  private armTimeout(session: AgentSession, taskId: string, startTime: number | null = null): void {
    const timeoutMs = session.timeoutOf(taskId);
    if (timeoutMs == null) return;
    const now = this.options.clock.now();
    const dueIn = (startTime ?? now) + timeoutMs - now;
    session.setTimer(taskId, Math.max(0, dueIn), () => this.guard('timeout', this.options.lifecycle.timeOut(taskId)));
  }

  /** Sends the cancellations these sessions' consumers are owed: requests on tasks they hold, and tasks that ended while they were away. */
  private async deliverCancellations(sessions: AgentSession[]): Promise<void> {
    const live = sessions.filter((s) => !s.closed);
    if (live.length === 0) return;
    const told: string[] = [];
    for (const c of await this.options.lifecycle.cancellationsDue(live.map((s) => s.consumerId))) {
      const session = this.options.sessions.get(c.consumerId);
      if (!session || session.closed) continue;
      if (session.sendCancel(c.taskId, c.reason)) {
        this.options.logger.info({ event: 'task.cancel_sent', taskId: c.taskId, consumerId: c.consumerId, reason: c.reason }, 'cancellation sent to agent');
      }
      if (c.ended) {
        told.push(c.taskId);
        // The task is over: its slot is free even if the agent never replies.
        this.settled(session, c.taskId);
      }
    }
    await this.options.lifecycle.cancellationsDelivered(told);
  }

  /** Wake-up: a task of this consumer must be stopped by its agent. */
  cancelRequested(consumerId: string): void {
    const session = this.options.sessions.get(consumerId);
    if (session) this.guard('cancel delivery', this.deliverCancellations([session]));
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.poll()
        .catch((err) => this.options.logger.error({ event: 'dispatch.poll_failed', err }, 'dispatch poll failed'))
        .finally(() => this.schedulePoll());
    }, this.pollIntervalMs);
    this.pollTimer.unref();
  }

  /**
   * The safety net for what other servers changed: work created elsewhere
   * is claimed, cancellations requested elsewhere are delivered, overdue
   * tasks whose server died (or whose agent is away) are asked to stop, and
   * stop requests left unanswered past the abandon deadline end the task.
   * The streams are looked at a slice per tick (SweepSlices).
   */
  private async poll(): Promise<void> {
    const { lifecycle, sessions } = this.options;
    await lifecycle.timeOutOverdue();
    await lifecycle.abandonOverdue();
    const local = this.pollSweep.next(sessions.all().filter((s) => !s.closed));
    if (local.length === 0) return;
    for (const session of local.filter((s) => s.needsResync)) {
      for (const task of await lifecycle.redeliverUnheld(session.consumerId, (id) => session.holds(id))) this.send(session, task, 'its claim had an unknown outcome');
      session.needsResync = false;
    }
    const withRoom = local.filter((s) => s.freeSlots > 0).map((s) => s.consumerId);
    for (const consumerId of await lifecycle.consumersWithWork(withRoom)) this.workArrived(consumerId);
    await this.deliverCancellations(local);
  }

  /** Background work whose failure must not go unhandled: logged; the poll retries it. */
  private guard(what: string, work: Promise<unknown>): void {
    work.catch((err) => this.options.logger.error({ event: 'dispatch.background_failed', what, err }, `${what} failed; the poll will retry`));
  }

  /** Stops claiming and polling; waits for a claim under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    // claimLoop never rejects: startClaimLoop logs its failures.
    await this.claimLoop;
  }
}
