import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { ConnectRequest__Output } from '../../protos/generated/taskplane/v1/ConnectRequest';
import type { ConnectResponse } from '../../protos/generated/taskplane/v1/ConnectResponse';
import type { Logger } from '../../shared/log';

export type AgentStream = grpc.ServerDuplexStream<ConnectRequest__Output, ConnectResponse>;

export interface AgentCapabilities {
  agentVersion: string;
  concurrency: number;
  /** "class.method" names the agent can run. */
  methods: Set<string>;
}

/**
 * One authenticated agent stream: what it can run, which of its tasks are
 * unsettled on it, and an ordered, backpressure-aware writer. It holds no
 * task logic; AgentHub drives it.
 */
export class AgentSession {
  readonly sessionId = crypto.randomUUID();
  /** Task ids sent on this stream and not yet settled: bounded by capabilities.concurrency. */
  readonly inFlight = new Set<string>();
  /** Timeout of each in-flight task (ms; null: none), known from its request. */
  readonly timeouts = new Map<string, number | null>();
  /** Task ids this stream has been told to cancel. */
  readonly cancelsSent = new Set<string>();
  /** Timers per task: acceptance bound, timeout. */
  readonly timers = new Map<string, NodeJS.Timeout>();
  lastHeardAt = Date.now();
  /** Whether WAITING tasks may be there for this consumer (cleared by a claim that found no more). */
  mayHaveWork = true;
  /** Bumped on every wake-up, so a claim that raced one does not clear mayHaveWork. */
  workGeneration = 0;
  closed = false;
  private writeQueue: ConnectResponse[] = [];
  private writing = false;

  constructor(
    readonly stream: AgentStream,
    readonly consumerId: string,
    readonly capabilities: AgentCapabilities,
    readonly logger: Logger,
  ) {}

  /** Slots promised to tasks being created (hand-off), not yet in flight. */
  reserved = 0;

  get freeSlots(): number {
    return Math.max(0, this.capabilities.concurrency - this.inFlight.size - this.reserved);
  }

  canRun(method: string): boolean {
    return this.capabilities.methods.has(method);
  }

  /** Queues a message; writes in order, waiting for 'drain' when the stream's buffer is full. */
  send(message: ConnectResponse): void {
    if (this.closed) return;
    this.writeQueue.push(message);
    if (!this.writing) this.flushWrites();
  }

  private flushWrites(): void {
    this.writing = true;
    while (this.writeQueue.length > 0 && !this.closed) {
      const ok = this.stream.write(this.writeQueue.shift()!);
      if (!ok) {
        this.stream.once('drain', () => this.flushWrites());
        return;
      }
    }
    this.writing = false;
  }

  /** Ends the stream with `code` (UNAVAILABLE: reconnect; ABORTED: replaced). Idempotent. */
  end(code: grpc.status, details: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.logger.info({ event: 'agent.stream_closed', consumerId: this.consumerId, sessionId: this.sessionId, code: grpc.status[code], reason: details }, 'agent stream closed');
    if (code === grpc.status.OK) this.stream.end();
    else this.stream.emit('error', { code, details });
  }

  /** The task is settled or over: free its slot. True if it held one. */
  release(taskId: string): boolean {
    this.clearTimer(taskId);
    this.timeouts.delete(taskId);
    this.cancelsSent.delete(taskId);
    return this.inFlight.delete(taskId);
  }

  clearTimer(taskId: string): void {
    const timer = this.timers.get(taskId);
    if (timer) clearTimeout(timer);
    this.timers.delete(taskId);
  }

  setTimer(taskId: string, ms: number, fn: () => void): void {
    this.clearTimer(taskId);
    const timer = setTimeout(() => {
      this.timers.delete(taskId);
      fn();
    }, ms);
    timer.unref();
    this.timers.set(taskId, timer);
  }
}
