import * as grpc from '@grpc/grpc-js';
import { loadTaskplaneProtos } from '../protos/loader';
import type { AgentServiceClient } from '../protos/generated/taskplane/v1/AgentService';
import type { ConnectRequest } from '../protos/generated/taskplane/v1/ConnectRequest';
import type { ConnectResponse__Output } from '../protos/generated/taskplane/v1/ConnectResponse';
import type { TaskRequest__Output } from '../protos/generated/taskplane/v1/TaskRequest';
import type { Logger } from '../common/log';
import { durationMs, msToTimestamp, timestampMs } from '../common/proto-time';
import { OrderedWriter } from '../common/ordered-writer';
import { traceIdOf } from '../common/trace-context';
import { resolveTransport, type TransportFlags } from '../common/transport';
import { Journal, type SavedReply } from './journal';
import { TaskFailure, type PluginRegistry } from './plugin-api';
import { recordGroup, stopGroup, type GroupStop } from './process-groups';

export const AGENT_VERSION = 'taskplane-agent/0.1.0';

export interface AgentOptions {
  /** host:port of a server, or several (a list, or comma-separated): tried in turn on each reconnect. */
  server: string | string[];
  consumerId: string;
  /** The credential from RegisterConsumer. Never logged. Empty: the TLS client certificate names the consumer (mutual TLS). */
  token: string;
  /** TLS: CA to trust, own certificate and key; an https:// server turns TLS on too (common/transport.ts). */
  tls?: Omit<TransportFlags, 'server'>;
  stateDir: string;
  plugins: PluginRegistry;
  logger: Logger;
  concurrency?: number;
  /** Allowed difference between our clock and the server's when checking windows. */
  clockSkewMs?: number;
  /** Reconnect backoff: first delay and cap (also grpc's own channel backoff, so the two do not add up past it). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** How long a graceful stop waits for running tasks. */
  shutdownGraceMs?: number;
}

type Stream = grpc.ClientDuplexStream<ConnectRequest, ConnectResponse__Output>;
type TaskErrorReply = { type: string; message: string; detailsJson: string };

/** The abort reason of tasks cut short by a graceful stop: they are handed back, not reported as canceled. */
const SHUTDOWN = 'the agent is shutting down';

/**
 * Messages held while the server does not read our stream. Replies are in
 * the journal's outbox, so dropping the stream at this bound loses nothing:
 * they go again after the reconnect.
 */
const MAX_QUEUED_WRITES = 4096;

/** "a:1,b:2" or a list of them: the addresses, trimmed, at least one. */
export function parseServerList(server: string | string[]): string[] {
  const list = (Array.isArray(server) ? server : [server]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new Error('agent: at least one server address is needed');
  return list;
}

/** Why the connection loop stopped for good. */
export type AgentExit = { reason: 'stopped' } | { reason: 'unauthenticated' | 'replaced'; details: string };

interface RunningTask {
  abort: AbortController;
  done: Promise<void>;
  /** "accepted" is on disk and was sent; until then a repeated request gets no answer (the first copy gives it). */
  accepted: boolean;
}

/**
 * The taskplane agent: one stream to a server, reconnected with exponential
 * backoff and jitter; tasks run through plugins, each task id at most once
 * thanks to the journal (guarantee 2); cancellations reach handlers as
 * AbortSignals (guarantee 5).
 */
export class Agent {
  private readonly journal: Journal;
  /** The servers it may connect to, and a channel to each, made on first use. */
  private readonly servers: string[];
  private readonly clients = new Map<string, AgentServiceClient>();
  private serverIndex: number;
  /** Connection attempts so far: channels are made again (fresh TLS files) before each reconnect. */
  private connects = 0;
  private readonly running = new Map<string, RunningTask>();
  private stream: Stream | null = null;
  private writer: OrderedWriter<ConnectRequest> | null = null;
  /** Journal writes of the restart recovery (settleInterrupted), awaited before connecting. */
  private readonly recovered: Promise<void>;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private stopWaiter: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastHeardAt = 0;
  private livenessTimeoutMs = 30_000;
  /** Cancellations of tasks whose "accepted" is being written: they stop as soon as they would start. */
  private readonly canceledBeforeStart = new Map<string, string>();

  constructor(private readonly options: AgentOptions) {
    this.servers = parseServerList(options.server);
    // A random first server spreads a fleet whose hosts share one list.
    this.serverIndex = Math.floor(Math.random() * this.servers.length);
    this.journal = Journal.open(options.stateDir, options.consumerId);
    this.recovered = this.settleInterrupted();
  }

  /** The channel to the server this connection attempt uses, made on first use with the TLS files as they are then. */
  private client(address: string): AgentServiceClient {
    let client = this.clients.get(address);
    if (!client) {
      const { target, credentials } = resolveTransport({ server: address, ...this.options.tls });
      client = new (loadTaskplaneProtos().taskplane.v1.AgentService)(target, credentials, {
        // A reply's result is at most 1 MiB and the server takes 8 MiB; a task request is far smaller.
        'grpc.max_send_message_length': 8 * 1024 * 1024,
        'grpc.max_receive_message_length': 4 * 1024 * 1024,
        // Notice a dead server even when the stream is idle.
        'grpc.keepalive_time_ms': 15_000,
        'grpc.keepalive_timeout_ms': 10_000,
        'grpc.keepalive_permit_without_calls': 1,
        // grpc's own reconnect backoff (default up to 120 s) would add to ours: bound it by ours.
        'grpc.initial_reconnect_backoff_ms': this.options.backoffInitialMs ?? 500,
        'grpc.max_reconnect_backoff_ms': this.options.backoffMaxMs ?? 30_000,
      });
      this.clients.set(address, client);
    }
    return client;
  }

  /**
   * Before a reconnect with a client certificate: the channels are made
   * again, so short-lived certificates work, if the files read well; else
   * the current ones stay.
   */
  private refreshClients(): void {
    if (!this.options.tls?.certFile || this.connects++ === 0) return;
    try {
      resolveTransport({ server: this.servers[this.serverIndex], ...this.options.tls });
      for (const client of this.clients.values()) client.close();
      this.clients.clear();
    } catch (err) {
      this.options.logger.error({ event: 'agent.tls_files_unreadable', error: (err as Error).message }, 'could not read the TLS files again; reconnecting with the previous ones');
    }
  }

  /**
   * Tasks that were running when the agent last died: first stop what their
   * commands left running (the process groups in the journal), so "not run
   * again" is true; then report them FAILED ("Interrupted", with what was
   * found and stopped), or, if their handler is safe to re-run, forget them
   * so a redelivery runs them again.
   */
  private async settleInterrupted(): Promise<void> {
    const { logger } = this.options;
    for (const entry of this.journal.unfinished()) {
      const groups: GroupStop[] = [];
      for (const group of entry.processGroups) {
        const stopped = await stopGroup(group);
        groups.push(stopped);
        const level = stopped.outcome === 'gone' ? 'info' : 'warn';
        logger[level]({ event: 'agent.orphan_group', taskId: entry.taskId, pgid: stopped.pgid, outcome: stopped.outcome, processes: stopped.processes }, 'process group of an interrupted task');
      }
      if (this.options.plugins.get(entry.method)?.rerunSafe) {
        await this.journal.forget(entry.taskId);
      } else {
        const left = groups.filter((g) => g.outcome !== 'gone');
        const what = left.length ? `; what it had started was stopped (${left.map((g) => `process group ${g.pgid}: ${g.outcome}`).join(', ')})` : '';
        const detailsJson = groups.length ? JSON.stringify({ process_groups: groups }) : '';
        await this.journal.replied(entry.taskId, { error: { type: 'Interrupted', message: `the agent stopped while the task was running; it was not run again${what}`, detailsJson } });
        logger.warn({ event: 'agent.task_interrupted', taskId: entry.taskId, method: entry.method }, 'task was interrupted by an agent restart');
      }
    }
  }

  /** Runs until stop() or a refusal that retrying cannot fix. */
  async run(): Promise<AgentExit> {
    const { logger, stateDir } = this.options;
    logger.info(
      { event: 'agent.state', stateDir, consumerId: this.options.consumerId, journal: this.journal.created ? 'new' : 'found', unfinished: this.journal.unfinished().length },
      `state directory ${stateDir} (${this.journal.created ? 'new journal' : 'journal found'})`,
    );
    await this.settleInterrupted();
    const initial = this.options.backoffInitialMs ?? 500;
    const max = this.options.backoffMaxMs ?? 30_000;
    // The outcomes of interrupted tasks are on disk before any server can ask for them.
    await this.recovered;
    let failures = 0;
    while (!this.stopping) {
      const outcome = await this.connectOnce();
      if (outcome.kind === 'fatal') return outcome.exit;
      if (this.stopping) break;
      failures = outcome.welcomed ? 0 : failures + 1;
      // The next server of the list: the one that failed or ended the stream may be going away.
      this.serverIndex = (this.serverIndex + 1) % this.servers.length;
      // Full jitter: many agents losing one server do not all come back at once.
      const delay = Math.random() * Math.min(max, initial * 2 ** failures);
      this.options.logger.info({ event: 'agent.reconnecting', inMs: Math.round(delay), server: this.servers[this.serverIndex], code: outcome.code, details: outcome.details }, 'reconnecting');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.stopWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return { reason: 'stopped' };
  }

  private connectOnce(): Promise<{ kind: 'retry'; welcomed: boolean; code: string; details: string } | { kind: 'fatal'; exit: AgentExit }> {
    this.refreshClients();
    return new Promise((resolve) => {
      const metadata = new grpc.Metadata();
      metadata.set('taskplane-consumer-id', this.options.consumerId);
      if (this.options.token) metadata.set('authorization', `Bearer ${this.options.token}`);
      const server = this.servers[this.serverIndex];
      const stream = this.client(server).connect(metadata) as Stream;
      this.stream = stream;
      this.writer = new OrderedWriter(stream, MAX_QUEUED_WRITES, () => {
        this.options.logger.warn({ event: 'agent.server_not_reading', queued: MAX_QUEUED_WRITES }, 'the server does not read our stream; reconnecting');
        stream.cancel();
      });
      let welcomed = false;
      this.lastHeardAt = Date.now();
      stream.write({
        hello: {
          agentVersion: AGENT_VERSION,
          concurrency: this.options.concurrency ?? 1,
          capabilities: this.options.plugins.capabilities(),
        },
      });
      stream.on('data', (message: ConnectResponse__Output) => {
        this.lastHeardAt = Date.now();
        if (message.welcome) {
          welcomed = true;
          this.onWelcome(stream, message.welcome);
        } else if (message.taskRequest) this.onTaskRequest(message.taskRequest);
        else if (message.cancellation) this.onCancellation(message.cancellation.taskId, message.cancellation.reason);
        else if (message.replyAck) this.journal.acked(message.replyAck.taskId);
      });
      let finished = false;
      const finish = (code: grpc.status, details: string) => {
        if (finished) return;
        finished = true;
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.heartbeat = null;
        if (this.stream === stream) {
          this.stream = null;
          this.writer?.close();
          this.writer = null;
        }
        if (code === grpc.status.UNAUTHENTICATED) {
          this.options.logger.error({ event: 'agent.unauthenticated', details }, 'the server refused our credential; not retrying');
          resolve({ kind: 'fatal', exit: { reason: 'unauthenticated', details } });
        } else if (code === grpc.status.ABORTED && !this.stopping) {
          this.options.logger.error({ event: 'agent.replaced', details }, 'another agent connected as this consumer; stopping');
          resolve({ kind: 'fatal', exit: { reason: 'replaced', details } });
        } else {
          resolve({ kind: 'retry', welcomed, code: grpc.status[code] ?? String(code), details });
        }
      };
      stream.on('error', (err: grpc.ServiceError) => finish(err.code, err.details));
      stream.on('end', () => finish(grpc.status.UNAVAILABLE, 'server ended the stream'));
      stream.on('status', (s: grpc.StatusObject) => {
        if (s.code !== grpc.status.OK) finish(s.code, s.details);
      });
    });
  }

  private onWelcome(stream: Stream, welcome: NonNullable<ConnectResponse__Output['welcome']>): void {
    const interval = durationMs(welcome.heartbeatIntervalDuration) || 10_000;
    this.livenessTimeoutMs = durationMs(welcome.livenessTimeoutDuration) || 30_000;
    this.options.logger.info({ event: 'agent.connected', serverId: welcome.serverId, server: this.servers[this.serverIndex], consumerId: this.options.consumerId }, 'connected');
    // Replies the server may not have yet (it acks each one it records).
    for (const entry of this.journal.outbox()) this.sendReply(entry.taskId, entry.reply!);
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastHeardAt > this.livenessTimeoutMs) {
        this.options.logger.warn({ event: 'agent.server_silent', ms: this.livenessTimeoutMs }, 'no message from the server; reconnecting');
        stream.cancel();
        return;
      }
      this.write({ heartbeat: { sendTime: msToTimestamp(Date.now()) } });
    }, interval);
    this.heartbeat.unref();
  }

  private write(message: ConnectRequest): void {
    this.writer?.write(message);
  }

  private sendReply(taskId: string, reply: SavedReply): void {
    this.write({ reply: 'error' in reply ? { taskId, error: reply.error } : { taskId, resultJson: reply.resultJson } });
  }

  private onTaskRequest(request: TaskRequest__Output): void {
    const { taskId } = request;
    const known = this.journal.get(taskId);
    if (known?.reply) {
      // Ran before (maybe before a restart): answer with the saved reply, never run again.
      this.sendReply(taskId, known.reply);
      return;
    }
    const running = this.running.get(taskId);
    if (running) {
      if (running.accepted) this.write({ accepted: { taskId } });
      return;
    }
    if (this.stopping) return; // not accepted: the server sends it again after we are gone
    // Marked before anything is written: a second copy of this request that
    // arrives while the journal write reaches the disk finds it here and is
    // not run again.
    const task: RunningTask = { abort: new AbortController(), done: Promise.resolve(), accepted: false };
    this.running.set(taskId, task);
    task.done = this.start(request, task, known !== undefined).catch((err) => {
      // The journal could not be written (disk full, read-only): nothing was
      // accepted, so the server sends the task again later.
      this.running.delete(taskId);
      this.options.logger.error({ event: 'agent.journal_failed', err, taskId }, 'could not write the journal');
    });
  }

  /** Refuses the task, or journals it as accepted, says so, runs it, journals and sends the reply. */
  private async start(request: TaskRequest__Output, task: RunningTask, journalKnowsIt: boolean): Promise<void> {
    const { taskId } = request;
    const { logger } = this.options;
    if (request.previouslyAccepted && !journalKnowsIt && !this.options.plugins.get(request.method)?.rerunSafe) {
      await this.journalLost(request);
      this.running.delete(taskId);
      return;
    }
    const refusal = this.refusal(request);
    if (refusal) {
      await this.journal.replied(taskId, { error: refusal });
      this.running.delete(taskId);
      this.sendReply(taskId, { error: refusal });
      logger.info({ event: 'task.refused', taskId, method: request.method, type: refusal.type }, 'task refused');
      return;
    }
    await this.journal.accepted(taskId, request.method);
    task.accepted = true;
    this.write({ accepted: { taskId } });
    // A cancellation that came while "accepted" was being written: stop before the handler starts.
    const canceled = this.canceledBeforeStart.get(taskId) ?? (task.abort.signal.aborted ? String(task.abort.signal.reason ?? 'canceled') : undefined);
    if (canceled !== undefined && task.abort.signal.reason !== SHUTDOWN) {
      this.canceledBeforeStart.delete(taskId);
      const reply = { error: { type: 'Canceled', message: `canceled before it started: ${canceled}`, detailsJson: '' } };
      await this.journal.replied(taskId, reply);
      this.running.delete(taskId);
      this.sendReply(taskId, reply);
      return;
    }
    logger.info({ event: 'task.started', taskId, method: request.method, attempt: request.attempt, traceId: request.traceparent ? traceIdOf(request.traceparent) : undefined }, 'task started');
    const reply = await this.execute(request, task.abort.signal);
    // Cut short by a graceful stop: handed back. A handler that finished anyway reports what it did.
    if (task.abort.signal.reason === SHUTDOWN && 'error' in reply) return this.handBack(request);
    await this.journal.replied(taskId, reply);
    this.running.delete(taskId);
    this.sendReply(taskId, reply);
    logger.info({ event: 'task.finished', taskId, method: request.method, ok: !('error' in reply), errorType: 'error' in reply ? reply.error.type : undefined }, 'task finished');
  }

  /**
   * The server says an agent of this consumer accepted this task, and the
   * journal has no record of it: the journal was lost, or another state
   * directory is in use. The task may have run, or may still run, on this
   * host: it is not run again, and the operator is told loudly.
   */
  private async journalLost(request: TaskRequest__Output): Promise<void> {
    const { taskId } = request;
    const { stateDir } = this.options;
    const reply = {
      error: {
        type: 'Interrupted',
        message: `an agent of this consumer accepted this task before, but the journal in ${stateDir} has no record of it (lost, or another state directory was used): not run again; it may have run, or still be running, on this host`,
        detailsJson: JSON.stringify({ state_dir: stateDir, journal_new: this.journal.created }),
      },
    };
    this.options.logger.error(
      { event: 'agent.journal_missing', taskId, method: request.method, stateDir, journalNew: this.journal.created },
      `the server has task ${taskId} in flight as accepted by this consumer's agent, but the journal in ${stateDir} ${this.journal.created ? 'did not exist when this agent started' : 'does not know it'}: was the state directory lost or changed? Not running it again`,
    );
    await this.journal.replied(taskId, reply);
    this.sendReply(taskId, reply);
  }

  /** Why a request must not run here, if it must not: unknown method, or outside its window. */
  private refusal(request: TaskRequest__Output): TaskErrorReply | null {
    const skew = this.options.clockSkewMs ?? 5_000;
    const now = Date.now();
    if (!this.options.plugins.get(request.method)) return { type: 'UnknownMethod', message: `this agent has no method ${request.method}`, detailsJson: '' };
    const notAfterTime = timestampMs(request.notAfterTime);
    if (notAfterTime !== null && now > notAfterTime + skew) {
      return { type: 'WindowClosed', message: `the request arrived after its window closed (${new Date(notAfterTime).toISOString()}, tolerance ${skew} ms)`, detailsJson: '' };
    }
    const notBeforeTime = timestampMs(request.notBeforeTime);
    if (notBeforeTime !== null && now < notBeforeTime - skew) {
      return { type: 'WindowNotOpen', message: `the request arrived before its window opened (${new Date(notBeforeTime).toISOString()})`, detailsJson: '' };
    }
    return null;
  }

  private async execute(request: TaskRequest__Output, signal: AbortSignal): Promise<SavedReply> {
    const spec = this.options.plugins.get(request.method)!;
    try {
      const args = JSON.parse(request.argumentsJson || '{}');
      const result = await spec.run({
        taskId: request.taskId,
        args,
        signal,
        traceparent: request.traceparent || undefined,
        progress: (percent, message = '', details) =>
          this.write({ progress: { taskId: request.taskId, percent: Math.round(percent), message, detailsJson: details === undefined ? '' : JSON.stringify(details) } }),
        trackProcessGroup: (pgid) => {
          this.journal.processGroup(request.taskId, recordGroup(pgid)).catch((err) => this.options.logger.error({ event: 'agent.journal_failed', err, taskId: request.taskId }, 'could not record a process group'));
        },
      });
      // Even after a cancellation: the handler finished, so this is what happened on the host.
      return { resultJson: JSON.stringify(result ?? null) };
    } catch (err) {
      if (signal.aborted) return { error: { type: 'Canceled', message: String(signal.reason ?? 'canceled'), detailsJson: '' } };
      const e = err as Error;
      const details = err instanceof TaskFailure ? err.details : { stack: e?.stack };
      return { error: { type: err instanceof TaskFailure ? err.type : e?.name || 'Error', message: e?.message ?? String(err), detailsJson: details === undefined ? '' : JSON.stringify(details) } };
    }
  }

  /**
   * A task cut short by a graceful stop: a re-run-safe one is forgotten and
   * left unsettled, so the server sends it again to the next agent run; any
   * other is reported FAILED ("Interrupted"), because running it twice could
   * do harm.
   */
  private async handBack(request: TaskRequest__Output): Promise<void> {
    this.running.delete(request.taskId);
    if (this.options.plugins.get(request.method)?.rerunSafe) {
      await this.journal.forget(request.taskId);
      return;
    }
    const reply = { error: { type: 'Interrupted', message: 'the agent shut down while the task was running', detailsJson: '' } };
    await this.journal.replied(request.taskId, reply);
    this.sendReply(request.taskId, reply);
  }

  /**
   * Stop a task: abort its handler if it runs; send the saved reply again if
   * it finished; stop it as it starts if its "accepted" is being written; and
   * for a task this agent never started, say so ("Canceled"), so the server
   * ends it CANCELED now instead of at its abandon deadline.
   */
  private onCancellation(taskId: string, reason: string): void {
    const task = this.running.get(taskId);
    this.options.logger.info({ event: 'task.cancel_received', taskId, running: Boolean(task), reason }, 'cancellation received');
    if (task) {
      task.abort.abort(reason || 'canceled');
      return;
    }
    const known = this.journal.get(taskId);
    if (known?.reply) return this.sendReply(taskId, known.reply);
    if (known) {
      this.canceledBeforeStart.set(taskId, reason || 'canceled');
      return;
    }
    if (this.stopping) return;
    const reply = { error: { type: 'Canceled', message: `never started on this agent: ${reason || 'canceled'}`, detailsJson: '' } };
    this.journal.replied(taskId, reply).then(
      () => this.sendReply(taskId, reply),
      (err) => this.options.logger.error({ event: 'agent.journal_failed', err, taskId }, 'could not record a reply'),
    );
  }

  /**
   * Graceful stop: take no new tasks, give running ones `shutdownGraceMs` to
   * finish and reply, then abort the rest with SHUTDOWN (their handlers see
   * the signal and the tasks are handed back, see handBack), close the
   * stream and the journal.
   */
  stop(): Promise<void> {
    this.stopped ??= this.stopInOrder();
    return this.stopped;
  }

  private async stopInOrder(): Promise<void> {
    this.stopping = true;
    this.stopWaiter?.();
    const grace = this.options.shutdownGraceMs ?? 30_000;
    const all = Promise.allSettled([...this.running.values()].map((t) => t.done));
    const timer = setTimeout(() => {
      for (const t of this.running.values()) t.abort.abort(SHUTDOWN);
    }, grace);
    await all;
    clearTimeout(timer);
    // Let the last replies leave before closing the stream.
    await new Promise((resolve) => setImmediate(resolve));
    this.stream?.end();
    this.stream?.cancel();
    for (const client of this.clients.values()) client.close();
    this.journal.close();
  }
}
