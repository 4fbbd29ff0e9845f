import * as grpc from '@grpc/grpc-js';
import { loadTaskplaneProtos } from '../protos/loader';
import type { AgentServiceClient } from '../protos/generated/taskplane/v1/AgentService';
import type { ConnectRequest } from '../protos/generated/taskplane/v1/ConnectRequest';
import type { ConnectResponse__Output } from '../protos/generated/taskplane/v1/ConnectResponse';
import type { TaskRequest__Output } from '../protos/generated/taskplane/v1/TaskRequest';
import type { Logger } from '../shared/log';
import { durationMs, msToTimestamp, timestampMs } from '../shared/proto-time';
import { resolveTransport, type TransportFlags } from '../shared/transport';
import { Journal, type SavedReply } from './journal';
import { TaskFailure, type PluginRegistry } from './plugin-api';

export const AGENT_VERSION = 'taskplane-agent/0.1.0';

export interface AgentOptions {
  server: string;
  consumerId: string;
  /** The credential from RegisterConsumer. Never logged. Empty: the TLS client certificate names the consumer (mutual TLS). */
  token: string;
  /** TLS: CA to trust, own certificate and key; an https:// server turns TLS on too (shared/transport.ts). */
  tls?: Omit<TransportFlags, 'server'>;
  stateDir: string;
  plugins: PluginRegistry;
  logger: Logger;
  concurrency?: number;
  /** Allowed difference between our clock and the server's when checking windows. */
  clockSkewMs?: number;
  /** Reconnect backoff: first delay and cap. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** How long a graceful stop waits for running tasks. */
  shutdownGraceMs?: number;
}

type Stream = grpc.ClientDuplexStream<ConnectRequest, ConnectResponse__Output>;
type TaskErrorReply = { type: string; message: string; detailsJson: string };

/** The abort reason of tasks cut short by a graceful stop: they are handed back, not reported as canceled. */
const SHUTDOWN = 'the agent is shutting down';

/** Why the connection loop stopped for good. */
export type AgentExit = { reason: 'stopped' } | { reason: 'unauthenticated' | 'replaced'; details: string };

interface RunningTask {
  abort: AbortController;
  done: Promise<void>;
}

/**
 * The taskplane agent: one stream to a server, reconnected with exponential
 * backoff and jitter; tasks run through plugins, each task id at most once
 * thanks to the journal (guarantee 2); cancellations reach handlers as
 * AbortSignals (guarantee 5).
 */
export class Agent {
  private readonly journal: Journal;
  private client: AgentServiceClient;
  private connects = 0;
  private readonly running = new Map<string, RunningTask>();
  private stream: Stream | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private stopWaiter: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private lastHeardAt = 0;
  private livenessTimeoutMs = 30_000;

  constructor(private readonly options: AgentOptions) {
    this.journal = Journal.open(options.stateDir);
    this.client = this.newClient();
    this.settleInterrupted();
  }

  /** A client with the TLS files as they are now (read again before each reconnect, so short-lived client certificates work). */
  private newClient(): AgentServiceClient {
    const { target, credentials } = resolveTransport({ server: this.options.server, ...this.options.tls });
    return new (loadTaskplaneProtos().taskplane.v1.AgentService)(target, credentials, {
      // A reply's result is at most 1 MiB and the server takes 8 MiB; a task request is far smaller.
      'grpc.max_send_message_length': 8 * 1024 * 1024,
      'grpc.max_receive_message_length': 4 * 1024 * 1024,
      // Notice a dead server even when the stream is idle.
      'grpc.keepalive_time_ms': 15_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
    });
  }

  /** Before a reconnect with a client certificate: a new client, if its files read well; else the current one. */
  private refreshClient(): void {
    if (!this.options.tls?.certFile || this.connects++ === 0) return;
    try {
      const fresh = this.newClient();
      this.client.close();
      this.client = fresh;
    } catch (err) {
      this.options.logger.error({ event: 'agent.tls_files_unreadable', error: (err as Error).message }, 'could not read the TLS files again; reconnecting with the previous ones');
    }
  }

  /**
   * Tasks that were running when the agent last died: report them FAILED
   * ("Interrupted"), or, if their handler is safe to re-run, forget them so a
   * redelivery runs them again.
   */
  private settleInterrupted(): void {
    for (const entry of this.journal.unfinished()) {
      if (this.options.plugins.get(entry.method)?.rerunSafe) {
        void this.journal.forget(entry.taskId);
      } else {
        void this.journal.replied(entry.taskId, { error: { type: 'Interrupted', message: 'the agent stopped while the task was running; it was not run again', detailsJson: '' } });
        this.options.logger.warn({ event: 'agent.task_interrupted', taskId: entry.taskId, method: entry.method }, 'task was interrupted by an agent restart');
      }
    }
  }

  /** Runs until stop() or a refusal that retrying cannot fix. */
  async run(): Promise<AgentExit> {
    const initial = this.options.backoffInitialMs ?? 500;
    const max = this.options.backoffMaxMs ?? 30_000;
    let failures = 0;
    while (!this.stopping) {
      const outcome = await this.connectOnce();
      if (outcome.kind === 'fatal') return outcome.exit;
      if (this.stopping) break;
      failures = outcome.welcomed ? 0 : failures + 1;
      // Full jitter: many agents losing one server do not all come back at once.
      const delay = Math.random() * Math.min(max, initial * 2 ** failures);
      this.options.logger.info({ event: 'agent.reconnecting', inMs: Math.round(delay), code: outcome.code, details: outcome.details }, 'reconnecting');
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
    this.refreshClient();
    return new Promise((resolve) => {
      const metadata = new grpc.Metadata();
      metadata.set('taskplane-consumer-id', this.options.consumerId);
      if (this.options.token) metadata.set('authorization', `Bearer ${this.options.token}`);
      const stream = this.client.connect(metadata) as Stream;
      this.stream = stream;
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
        } else if (message.taskRequest) void this.onTaskRequest(message.taskRequest);
        else if (message.cancellation) this.onCancellation(message.cancellation.taskId, message.cancellation.reason);
        else if (message.replyAck) this.journal.acked(message.replyAck.taskId);
      });
      let finished = false;
      const finish = (code: grpc.status, details: string) => {
        if (finished) return;
        finished = true;
        if (this.heartbeat) clearInterval(this.heartbeat);
        this.heartbeat = null;
        if (this.stream === stream) this.stream = null;
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
    this.options.logger.info({ event: 'agent.connected', serverId: welcome.serverId, consumerId: this.options.consumerId }, 'connected');
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
    this.stream?.write(message);
  }

  private sendReply(taskId: string, reply: SavedReply): void {
    this.write({ reply: 'error' in reply ? { taskId, error: reply.error } : { taskId, resultJson: reply.resultJson } });
  }

  private async onTaskRequest(request: TaskRequest__Output): Promise<void> {
    const { taskId } = request;
    const { logger } = this.options;
    const known = this.journal.get(taskId);
    if (known?.reply) {
      // Ran before (maybe before a restart): answer with the saved reply, never run again.
      this.sendReply(taskId, known.reply);
      return;
    }
    if (this.running.has(taskId)) {
      this.write({ accepted: { taskId } });
      return;
    }
    if (this.stopping) return; // not accepted: the server sends it again after we are gone
    const refusal = this.refusal(request);
    if (refusal) {
      await this.journal.replied(taskId, { error: refusal });
      this.sendReply(taskId, { error: refusal });
      logger.info({ event: 'task.refused', taskId, method: request.method, type: refusal.type }, 'task refused');
      return;
    }
    await this.journal.accepted(taskId, request.method);
    this.write({ accepted: { taskId } });
    logger.info({ event: 'task.started', taskId, method: request.method, attempt: request.attempt }, 'task started');
    const abort = new AbortController();
    const done = this.execute(request, abort.signal).then(async (reply) => {
      if (abort.signal.reason === SHUTDOWN) return this.handBack(request);
      await this.journal.replied(taskId, reply);
      this.running.delete(taskId);
      this.sendReply(taskId, reply);
      logger.info({ event: 'task.finished', taskId, method: request.method, ok: !('error' in reply), errorType: 'error' in reply ? reply.error.type : undefined }, 'task finished');
    });
    this.running.set(taskId, { abort, done });
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
        progress: (percent, message = '', details) =>
          this.write({ progress: { taskId: request.taskId, percent: Math.round(percent), message, detailsJson: details === undefined ? '' : JSON.stringify(details) } }),
      });
      if (signal.aborted) return { error: { type: 'Canceled', message: String(signal.reason ?? 'canceled'), detailsJson: '' } };
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

  private onCancellation(taskId: string, reason: string): void {
    const task = this.running.get(taskId);
    this.options.logger.info({ event: 'task.cancel_received', taskId, running: Boolean(task), reason }, 'cancellation received');
    task?.abort.abort(reason || 'canceled');
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
    this.client.close();
    this.journal.close();
  }
}
