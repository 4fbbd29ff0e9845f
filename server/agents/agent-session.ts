import crypto from 'node:crypto';
import type { TaskRecord } from '../tasks/task-record';
import type { HandOffSlot } from '../tasks/lifecycle';
import type { AgentProof } from '../consumers/credentials';

export interface AgentCapabilities {
  agentVersion: string;
  concurrency: number;
  /** "class.method" names the agent can run. */
  methods: Set<string>;
}

/** What the server sends an agent, before any wire encoding. */
export type MessageToAgent =
  | { kind: 'welcome'; serverId: string; heartbeatIntervalMs: number; livenessTimeoutMs: number }
  | { kind: 'task'; task: TaskRecord }
  | { kind: 'cancel'; taskId: string; reason: string }
  | { kind: 'replyAck'; taskId: string }
  | { kind: 'heartbeat'; time: number };

/** Why the server ends an agent's stream; the transport maps each to its status. */
export type StreamEnd =
  /** The agent closed its side: end ours cleanly. */
  | 'finished'
  /** A newer stream of the same consumer took over. */
  | 'replaced'
  /** The consumer was unregistered. */
  | 'unregistered'
  /** The credential (or, for a certificate, every credential) that proved the stream was revoked or ran out. */
  | 'revoked'
  /** This server is stopping: reconnect elsewhere. */
  | 'shutting_down'
  /** Nothing heard within the liveness timeout. */
  | 'silent'
  /** The agent broke the protocol (e.g. a second hello). */
  | 'protocol_violation'
  /** A report could not be recorded: reconnect, and the agent sends it again. */
  | 'store_failed'
  /** The agent stopped reading what it is sent. */
  | 'slow_reader'
  /** The agent sent more reports than its budget allows. */
  | 'flooding'
  /** The store says the consumer is offline: this server's lease lapsed and another server reaped it. Reconnect. */
  | 'released'
  /** This server found its lease reaped: every stream it held is ended. Reconnect. */
  | 'lease_lost';

/** The transport under a session (server/grpc/agent-channel.ts): ordered writes with backpressure, and the end. */
export interface AgentChannel {
  send(message: MessageToAgent): void;
  end(why: StreamEnd, details: string): void;
  /** `listener` runs once when the stream is gone, whoever ended it (at once if it already is). */
  onClosed(listener: () => void): void;
}

/**
 * One authenticated agent stream: what it can run, the tasks it holds
 * (its slots), the timers of those tasks, and whether it may have work
 * waiting. It holds no task logic: the dispatcher decides what to send,
 * the lifecycle what it means.
 */
export class AgentSession {
  readonly sessionId = crypto.randomUUID();
  /** Tasks sent on this stream and not settled, with their timeout (ms; null: none): bounded by the agent's concurrency. */
  private readonly held = new Map<string, number | null>();
  /** Slots promised to tasks being created (hand-off), not yet held. */
  private reserved = 0;
  /** When each held task was last sent (real time), for the send-to-accept latency. */
  private readonly sentAt = new Map<string, number>();
  /** Why the server ended the stream; unset if the agent or the network did. */
  endReason: StreamEnd | undefined;
  /** Tasks this stream has been told to cancel. */
  private readonly cancelsSent = new Set<string>();
  /** Timers per task: the acceptance bound, then the timeout. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private lastHeardAt = Date.now();
  private ended = false;
  /** Whether WAITING tasks may be there for this consumer (cleared by a claim that found no more). */
  mayHaveWork = true;
  /** A claim or hand-off for this stream failed with its commit's outcome unknown: compare what it holds with the store. */
  needsResync = false;
  /** Bumped on every wake-up, so a claim that raced one does not clear mayHaveWork. */
  workGeneration = 0;
  /** When the stream was welcomed (its hello taken), epoch milliseconds. */
  readonly openTime = Date.now();

  constructor(
    private readonly channel: AgentChannel,
    readonly consumerId: string,
    readonly capabilities: AgentCapabilities,
    /** How the stream proved its consumer; null: not checked again (tests that attach directly). */
    readonly proof: AgentProof | null = null,
  ) {
    channel.onClosed(() => this.forget());
  }

  get closed(): boolean {
    return this.ended;
  }

  get freeSlots(): number {
    return Math.max(0, this.capabilities.concurrency - this.held.size - this.reserved);
  }

  canRun(method: string): boolean {
    return this.capabilities.methods.has(method);
  }

  holds(taskId: string): boolean {
    return this.held.has(taskId);
  }

  timeoutOf(taskId: string): number | null | undefined {
    return this.held.get(taskId);
  }

  /** Heard since the hub last wrote its consumer's last_seen_time. */
  heardSinceSeen = false;

  /** Any message from the agent proves it is alive. */
  heard(): void {
    this.lastHeardAt = Date.now();
    this.heardSinceSeen = true;
  }

  silentFor(now = Date.now()): number {
    return now - this.lastHeardAt;
  }

  send(message: MessageToAgent): void {
    if (!this.ended) this.channel.send(message);
  }

  /** Sends a task; it holds a slot until released. */
  sendTask(task: TaskRecord): void {
    this.held.set(task.id, task.timeoutMs);
    this.sentAt.set(task.id, Date.now());
    this.send({ kind: 'task', task });
  }

  /** Milliseconds since the task was last sent on this stream (undefined: not held here). */
  sinceSent(taskId: string): number | undefined {
    const at = this.sentAt.get(taskId);
    return at === undefined ? undefined : Date.now() - at;
  }

  /** Tells the agent to stop a task, once per stream. False if it was told already. */
  sendCancel(taskId: string, reason: string): boolean {
    if (this.cancelsSent.has(taskId)) return false;
    this.cancelsSent.add(taskId);
    this.send({ kind: 'cancel', taskId, reason });
    return true;
  }

  /** The task is settled or over: free its slot. True if it held one. */
  release(taskId: string): boolean {
    this.clearTimer(taskId);
    this.cancelsSent.delete(taskId);
    this.sentAt.delete(taskId);
    return this.held.delete(taskId);
  }

  /** A slot for a task being created, if one is free and the method runs here. */
  reserveSlot(method: string, onSend: (task: TaskRecord) => void): HandOffSlot | null {
    if (this.ended || this.mayHaveWork || this.freeSlots === 0 || !this.canRun(method)) return null;
    this.reserved++;
    let done = false;
    const finish = () => {
      if (done) return false;
      done = true;
      this.reserved--;
      return true;
    };
    return {
      sessionId: this.sessionId,
      send: (task) => {
        if (finish() && !this.ended) onSend(task);
      },
      release: (outcomeUnknown) => {
        if (finish() && outcomeUnknown) this.needsResync = true;
      },
    };
  }

  setTimer(taskId: string, ms: number, fn: () => void): void {
    this.clearTimer(taskId);
    if (this.ended) return;
    const timer = setTimeout(() => {
      this.timers.delete(taskId);
      fn();
    }, ms);
    timer.unref();
    this.timers.set(taskId, timer);
  }

  clearTimer(taskId: string): void {
    const timer = this.timers.get(taskId);
    if (timer) clearTimeout(timer);
    this.timers.delete(taskId);
  }

  /** Ends the stream. Idempotent. */
  end(why: StreamEnd, details: string): void {
    if (this.ended) return;
    this.endReason = why;
    this.forget();
    this.channel.end(why, details);
  }

  private forget(): void {
    this.ended = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
