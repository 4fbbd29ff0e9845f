import type { Logger } from '../../common/log';
import type { NewAuditEvent } from '../store/audit-store';
import type { CreateCheck, CreatedThere, RemoteHandOff } from '../tasks/lifecycle';
import { TASK_STATES } from '../tasks/states';
import type { NewTask } from '../tasks/task-record';
import { RateLimitedLog } from '../rate-limited-log';

/** The layout of ClusterCreateTasksRequest.create_json this server writes and reads. */
export const CREATE_FORMAT = 1;

/**
 * A create forwarded to the server holding its consumers' streams:
 * validated, authorized and with its ids. With `check`, `audit[i]` is
 * `tasks[i]`'s row, and that server refuses, each alone, tasks of unknown
 * consumers or of methods their agents do not offer (unless
 * `check.allowUnknownMethod[i]`).
 */
export interface ForwardedCreate {
  tasks: NewTask[];
  audit: NewAuditEvent[];
  check: CreateCheck | null;
}

/** Calls another server's ClusterService.CreateTasks (server/grpc/cluster-service.ts). */
export interface CreateSender {
  /** What the other server did; null when the create is too big to forward. */
  createTasks(address: string, create: ForwardedCreate): Promise<CreatedThere> | null;
}

export function encodeForwardedCreate(create: ForwardedCreate): Buffer {
  return Buffer.from(JSON.stringify(create));
}

/** Reads create_json; throws with what is wrong. Only WAITING tasks are forwarded: the hand-off is for them. */
export function decodeForwardedCreate(bytes: Buffer): ForwardedCreate {
  const create = JSON.parse(bytes.toString('utf8')) as Partial<ForwardedCreate>;
  if (!Array.isArray(create?.tasks) || !Array.isArray(create.audit) || create.check === undefined) throw new Error('must be {"tasks": [...], "audit": [...], "check": null|{...}}');
  if (create.check !== null) {
    if (create.audit.length !== create.tasks.length) throw new Error(`with "check", audit must hold one row per task (${create.tasks.length}), not ${create.audit.length}`);
    const flags = create.check?.allowUnknownMethod;
    if (!Array.isArray(flags) || flags.length !== create.tasks.length || flags.some((f) => typeof f !== 'boolean')) throw new Error('check.allowUnknownMethod must hold one true or false per task');
  }
  create.tasks.forEach((t, i) => {
    for (const field of ['id', 'consumerId', 'method', 'argumentsJson'] as const) {
      if (typeof t?.[field] !== 'string') throw new Error(`tasks[${i}].${field} must be a string`);
    }
    if (t.state !== TASK_STATES.WAITING) throw new Error(`tasks[${i}].state must be WAITING, not ${String(t.state)}`);
    if (typeof t.createTime !== 'number') throw new Error(`tasks[${i}].createTime must be a number`);
  });
  return create as ForwardedCreate;
}

export interface CreateForwarderOptions {
  /** The internal address of the server holding this consumer's stream, if another one and known without a read. */
  ownerOf(consumerId: string): string | null;
  sender: CreateSender;
  logger: Logger;
  /** Epoch milliseconds (tests move it). */
  now?: () => number;
}

/**
 * After a forward to an address failed, creates for it are made here for
 * this long: a server that died (its host gone, its port closed) would
 * otherwise cost every create for its former consumers a failed call until
 * the owners are read again.
 */
export const FORWARD_BACKOFF_MS = 2_000;

/**
 * The remote hand-off (TaskLifecycle.create): a create whose consumers'
 * streams are all on one other server is sent to that server, which
 * creates it with its own hand-off, so the task reaches the agent in the
 * creating transaction instead of after a Wake and a claim there. Only
 * owners already known are used (the cluster waker's cache): a consumer
 * never woken costs the create no read, and is created here as before.
 */
export class CreateForwarder implements RemoteHandOff {
  private readonly warnings: RateLimitedLog;
  /** Addresses whose last forward failed, until when they are skipped. */
  private readonly failedUntil = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: CreateForwarderOptions) {
    this.warnings = new RateLimitedLog(options.logger);
    this.now = options.now ?? Date.now;
  }

  ownerOf(consumerId: string): string | null {
    const address = this.options.ownerOf(consumerId);
    if (address === null) return null;
    const until = this.failedUntil.get(address);
    if (until === undefined) return address;
    if (this.now() < until) return null;
    this.failedUntil.delete(address);
    return address;
  }

  async create(address: string, tasks: NewTask[], audit: NewAuditEvent[], check: CreateCheck | null): Promise<CreatedThere | null> {
    try {
      return (await this.options.sender.createTasks(address, { tasks, audit, check })) ?? null;
    } catch (err) {
      this.failedUntil.set(address, this.now() + FORWARD_BACKOFF_MS);
      this.warnings.warn(`forward:${address}`, { event: 'cluster.forward_failed', address, err: { message: (err as Error)?.message } }, 'could not forward a create to the server holding its streams; created here instead');
      return null;
    }
  }
}
