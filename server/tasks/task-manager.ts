import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../errors';
import type { Clock } from '../clock';
import type { Logger } from '../../common/log';
import type { ChangeNotifier } from '../notifier';
import type { PageTokens } from '../paging';
import { isUniqueViolation } from '../store/database';
import { agentHellosOf, labelsOfConsumers, listConsumers } from '../store/consumer-store';
import { assertMethodOffered } from './offered-methods';
import type { NewAuditEvent } from '../store/audit-store';
import type { Caller } from '../security/principal';
import type { Permission } from '../security/permissions';
import { assertConsumersInScope, assertMethodAllowed } from '../security/scope';
import {
  countTasksByConsumerAndState,
  countTasksByState,
  findTaskById,
  findTaskByIdempotencyKey,
  groupStateCounts,
  groupTaskStates,
  recentGroupIds,
  listGroupEvents,
  listTaskEvents,
  listTasks,
  taskOwnerAndState,
  type TaskFilter,
} from '../store/task-store';
import { Wake } from '../wake';
import { describeSelector, isEmptySelector, type ConsumerSelector } from '../consumers/selector';
import { RolloutManager } from './rollout-manager';
import { FAILED_STATES, validateRolloutPolicy, type GroupEventRecord, type GroupStateName, type RolloutPolicy, type TaskGroupRecord, type WaveTally } from './rollout';
import { optionalText } from '../validation';
import { Batcher } from '../store/batching';
import { isTerminal, TERMINAL_STATES, TASK_STATES, UNDISPATCHED_STATES, type TaskStateName } from './states';
import type { MethodRegistry } from './method-registry';
import type { CreateCheck, CreatedThere, CreateRefusal, TaskLifecycle } from './lifecycle';
import type { NewTask, TaskDraft, TaskEventRecord, TaskRecord } from './task-record';
import type { AgentHelloRecord } from '../consumers/consumer-record';
import { toTaskDraft, validateCreateTask, validateTaskFilter, type CreateTaskInput, type TaskOrigin, type ValidTaskInput } from './task-input';

export const MAX_BATCH_SIZE = 1000;

/** A full page of ListTasks holds at most this much of large fields: under the 4 MiB clients accept by default, with room for the rest. */
export const LIST_FULL_BUDGET_BYTES = 3 * 1024 * 1024;

function largeFieldBytes(task: TaskRecord): number {
  return Buffer.byteLength(task.argumentsJson) + Buffer.byteLength(task.resultJson ?? '') + Buffer.byteLength(task.error?.detailsJson ?? '') + Buffer.byteLength(task.error?.message ?? '') + Buffer.byteLength(task.progress?.detailsJson ?? '');
}

type FieldName = (field: string, index: number) => string;

const MAX_TASK_ID_LENGTH = 64;
const MAX_CANCEL_REASON_LENGTH = 200;
/** The largest fan-out of one group. */
export const MAX_GROUP_SIZE = 1000;

/** States of tasks not yet ended. */
export const UNFINISHED_STATES = (Object.values(TASK_STATES) as TaskStateName[]).filter((s) => !TERMINAL_STATES.includes(s));

/** What GetTaskGroup shows: the group's state, its rollout if it has one, and its counts. */
export interface TaskGroupView {
  groupId: string;
  method: string;
  createTime: number;
  state: GroupStateName;
  rollout: TaskGroupRecord | null;
  tally: WaveTally;
}

/** What WatchTaskGroup streams: one of its tasks' events, or one of the group's own. */
export type GroupWatchItem = { task: TaskEventRecord; group?: undefined } | { group: GroupEventRecord; task?: undefined };

/** A group of tasks (a fan-out, or one fire of a schedule) and where its tasks are. */
export interface GroupSummary {
  groupId: string;
  method: string;
  scheduleId: string | null;
  createTime: number;
  total: number;
  byState: Partial<Record<TaskStateName, number>>;
}

export interface TaskManagerOptions {
  db: Knex;
  clock: Clock;
  notifier: ChangeNotifier;
  pageTokens: PageTokens;
  logger: Logger;
  /** Argument checks of the methods the server knows. */
  methods: MethodRegistry;
  /** Every change of a task's state goes through it. */
  lifecycle: TaskLifecycle;
  /** Moves rolled-out groups through their waves. */
  rollouts: RolloutManager;
  /** How often a watcher re-reads the store when no local wake-up came (changes made by other servers). */
  watchPollMs?: number;
  /** The hello of a consumer's live stream on this server, if it is here: what a create forwarded here is checked against, without a read. */
  liveHello?: (consumerId: string) => AgentHelloRecord | undefined;
}

/** Why a create is refused before anything is written: its consumer is unknown, or its agent does not offer the method. */
function refusalOf(consumerId: string, method: string, exists: boolean, hello: AgentHelloRecord | null | undefined, allowUnknownMethod: boolean): CreateRefusal | null {
  if (!exists) return { code: 'NOT_FOUND', message: new NotFoundError('consumer', consumerId, 'consumer_id').message };
  try {
    assertMethodOffered('method', consumerId, method, hello, allowUnknownMethod);
    return null;
  } catch (err) {
    return { code: 'FAILED_PRECONDITION', message: (err as Error).message };
  }
}

/** The error a caller gets for a refusal, made here or by the server holding the stream. */
function refusalError(refusal: CreateRefusal, consumerId: string): Error {
  return refusal.code === 'NOT_FOUND' ? new NotFoundError('consumer', consumerId, 'consumer_id') : new FailedPreconditionError(refusal.message);
}

/**
 * The task logic behind TaskService. It knows nothing of gRPC: it takes
 * plain inputs, throws domain errors (server/errors.ts), and keeps the
 * guarantees named below.
 */
export class TaskManager {
  private readonly db: Knex;
  private readonly clock: Clock;
  private readonly notifier: ChangeNotifier;
  private readonly pageTokens: PageTokens;
  private readonly logger: Logger;
  private readonly watchPollMs: number;
  private readonly methods: MethodRegistry;
  private readonly lifecycle: TaskLifecycle;
  private readonly rollouts: RolloutManager;
  private readonly createQueue: Batcher<{ valid: ValidTaskInput; caller: Caller }, TaskRecord | Error>;
  private readonly liveHello: (consumerId: string) => AgentHelloRecord | undefined;

  constructor(options: TaskManagerOptions) {
    this.methods = options.methods;
    this.lifecycle = options.lifecycle;
    this.rollouts = options.rollouts;
    // Two groups in flight: one commits while the next is being written.
    this.createQueue = new Batcher((group) => this.flushCreates(group), 256, 2);
    this.db = options.db;
    this.clock = options.clock;
    this.notifier = options.notifier;
    this.pageTokens = options.pageTokens;
    this.logger = options.logger;
    this.watchPollMs = options.watchPollMs ?? 1000;
    this.liveHello = options.liveHello ?? (() => undefined);
  }

  /**
   * One task. Unkeyed requests are group-committed (Batcher): requests
   * arriving together share one transaction, which is what lets one server
   * accept thousands of tasks a second where a commit costs a fraction of a
   * millisecond.
   * Each caller still hears OK only after its task is committed.
   */
  async create(input: CreateTaskInput, caller: Caller): Promise<TaskRecord> {
    if (input.idempotencyKey) return (await this.createMany([input], (field) => field, caller))[0];
    const [valid] = this.validateAll([input], this.clock.now(), (field) => field);
    await this.assertInScope(caller, 'tasks.create', [valid]);
    const outcome = await this.createQueue.submit({ valid, caller });
    if (outcome instanceof Error) throw outcome;
    caller.recorded = true;
    return outcome;
  }

  /** All or nothing: one transaction for the whole batch. Errors name the entry ("requests[3].method"). */
  async createBatch(inputs: CreateTaskInput[], caller: Caller): Promise<TaskRecord[]> {
    if (inputs.length === 0) throw new InvalidArgumentError('requests', 'must contain at least one request');
    if (inputs.length > MAX_BATCH_SIZE) throw new InvalidArgumentError('requests', `has ${inputs.length} entries; at most ${MAX_BATCH_SIZE} are allowed`);
    return this.createMany(inputs, (field, i) => `requests[${i}].${field}`, caller);
  }

  /**
   * Refuses (PERMISSION_DENIED, before any write) targets outside the
   * caller's scope: each method must match its patterns and each consumer
   * its selector. A consumer that does not exist is left to the caller's
   * NOT_FOUND. Unscoped callers cost no query.
   */
  private async assertInScope(caller: Caller, permission: Permission, targets: Array<{ consumerId: string; method: string }>): Promise<void> {
    for (const t of targets) assertMethodAllowed(caller.principal, permission, t.method);
    if (!caller.principal.scope.selector) return;
    const labels = await labelsOfConsumers(this.db, [...new Set(targets.map((t) => t.consumerId))]);
    assertConsumersInScope(caller.principal, permission, [...labels].map(([id, l]) => ({ id, labels: l })));
  }

  /** The audit row of `caller` creating `task`. */
  private createdEvent(caller: Caller, task: TaskDraft | TaskRecord, now: number): NewAuditEvent {
    return caller.auditEvent(`task/${task.id}`, now, { consumer_id: task.consumerId, method: task.method, group_id: task.groupId ?? undefined });
  }

  private validateAll(inputs: CreateTaskInput[], now: number, fieldName: FieldName): ValidTaskInput[] {
    return inputs.map((input, i) => {
      try {
        const valid = validateCreateTask(input, now);
        this.methods.get(valid.method)?.validateArguments?.(JSON.parse(valid.argumentsJson));
        return valid;
      } catch (err) {
        if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(fieldName(err.field, i), err.problem);
        throw err;
      }
    });
  }

  /**
   * A group of unkeyed single creates: each one fails alone (unknown
   * consumer, a method its agent does not offer) or all of one place commit
   * together, each with its caller's audit row. A place is this server, or
   * the other server holding the streams of its consumers, which checks and
   * creates them there (TaskLifecycle.createThere) so that the task goes
   * straight to its stream.
   */
  private async flushCreates(group: Array<{ valid: ValidTaskInput; caller: Caller }>): Promise<Array<TaskRecord | Error>> {
    const now = this.clock.now();
    const places = new Map<string, number[]>();
    group.forEach((g, i) => {
      const place = this.lifecycle.createPlace(g.valid.consumerId);
      const indexes = places.get(place);
      if (indexes) indexes.push(i);
      else places.set(place, [i]);
    });
    const outcomes: Array<TaskRecord | Error> = new Array(group.length);
    await Promise.all(
      [...places].map(async ([place, indexes]) => {
        const valid = indexes.map((i) => group[i].valid);
        const drafts = indexes.map((i) => toTaskDraft(group[i].valid, now, { createdBy: group[i].caller.label }));
        const audit = drafts.map((d, k) => this.createdEvent(group[indexes[k]].caller, d, now));
        try {
          const there = place ? await this.lifecycle.createThere(place, drafts, audit, { allowUnknownMethod: valid.map((v) => v.allowUnknownMethod ?? false) }) : null;
          // Not made there (or not known to be): checked and made here, under the same ids.
          const results = there ? there.map((r, k) => ('code' in r ? refusalError(r, valid[k].consumerId) : r)) : await this.checkAndCreateHere(valid, drafts, audit, place !== '');
          indexes.forEach((i, k) => (outcomes[i] = results[k]));
        } catch (err) {
          for (const i of indexes) outcomes[i] = err as Error;
        }
      }),
    );
    return outcomes;
  }

  /**
   * Refuses each create of an unknown consumer or of a method its agent
   * does not offer (the agents' hellos come with the existence check, in
   * one read), and creates the rest here in one transaction. `afterForward`:
   * these drafts were for another server's streams and were not made there
   * (not forwardable, or the forward failed and may have committed them).
   */
  private async checkAndCreateHere(valid: ValidTaskInput[], drafts: TaskDraft[], audit: NewAuditEvent[], afterForward: boolean): Promise<Array<TaskRecord | Error>> {
    const hellos = await agentHellosOf(this.db, [...new Set(valid.map((v) => v.consumerId))]);
    const refusals = valid.map((v) => refusalOf(v.consumerId, v.method, hellos.has(v.consumerId), hellos.get(v.consumerId), v.allowUnknownMethod ?? false));
    const kept = refusals.flatMap((r, k) => (r ? [] : [k]));
    const created = kept.length ? await this.lifecycle.create(kept.map((k) => drafts[k]), { handOff: true, audit: kept.map((k) => audit[k]), here: afterForward, mayExist: afterForward }) : [];
    let next = 0;
    return refusals.map((refusal, k) => (refusal ? refusalError(refusal, valid[k].consumerId) : created[next++]));
  }

  /**
   * Creates tasks another server forwarded here, this server holding their
   * consumers' streams (ClusterService.CreateTasks). With `check`, each task
   * of an unknown consumer, or of a method its agent does not offer, is
   * refused alone first: the hello of a stream held here is known without a
   * read, so the create costs no read at all when the streams are here.
   */
  async createForwarded(tasks: NewTask[], audit: NewAuditEvent[], check: CreateCheck | null): Promise<CreatedThere> {
    const refused = new Map<string, CreateRefusal>();
    if (check) {
      const hellos = new Map<string, AgentHelloRecord | null>();
      for (const t of tasks) {
        const live = this.liveHello(t.consumerId);
        if (live) hellos.set(t.consumerId, live);
      }
      const unknown = [...new Set(tasks.map((t) => t.consumerId).filter((id) => !hellos.has(id)))];
      if (unknown.length) for (const [id, hello] of await agentHellosOf(this.db, unknown)) hellos.set(id, hello);
      tasks.forEach((t, i) => {
        const refusal = refusalOf(t.consumerId, t.method, hellos.has(t.consumerId), hellos.get(t.consumerId), check.allowUnknownMethod[i]);
        if (refusal) refused.set(t.id, refusal);
      });
    }
    const kept = tasks.flatMap((t, i) => (refused.has(t.id) ? [] : [i]));
    const handed = kept.length ? await this.lifecycle.createForwarded(kept.map((i) => tasks[i]), check ? kept.map((i) => audit[i]) : audit) : [];
    return { handed: new Set(handed), refused };
  }

  /** Keyed creates and batches: idempotency first, then one transaction. */
  private async createMany(inputs: CreateTaskInput[], fieldName: FieldName, caller: Caller): Promise<TaskRecord[]> {
    const now = this.clock.now();
    const valid = this.validateAll(inputs, now, fieldName);
    await this.assertInScope(caller, 'tasks.create', valid);
    const keyed = new Map<string, number>();
    valid.forEach((v, i) => {
      if (!v.idempotencyKey) return;
      const first = keyed.get(v.idempotencyKey);
      if (first !== undefined) throw new InvalidArgumentError(fieldName('idempotency_key', i), `repeats the key of requests[${first}]`);
      keyed.set(v.idempotencyKey, i);
    });

    for (let attempt = 0; ; attempt++) {
      // Retries of an earlier request: answered with the task created then.
      const existing = await this.findIdempotentMatches(valid, fieldName);
      const fresh = valid.map((v, i) => (existing[i] ? null : v));
      const toInsert = fresh.filter((v): v is ValidTaskInput => v !== null);
      if (toInsert.length === 0) return existing as TaskRecord[];

      const hellos = await agentHellosOf(this.db, [...new Set(toInsert.map((v) => v.consumerId))]);
      fresh.forEach((v, i) => {
        if (v && !hellos.has(v.consumerId)) throw new NotFoundError('consumer', v.consumerId, fieldName('consumer_id', i));
      });
      fresh.forEach((v, i) => {
        if (v) assertMethodOffered(fieldName('method', i), v.consumerId, v.method, hellos.get(v.consumerId), v.allowUnknownMethod ?? false);
      });
      let created: TaskRecord[];
      try {
        created = await this.insertValidated(toInsert, now, { createdBy: caller.label }, caller);
      } catch (err) {
        // Two identical retries raced on two servers: the unique key let one
        // win; go round again and answer with the winner's task.
        if (isUniqueViolation(err) && attempt < 3) continue;
        throw err;
      }
      caller.recorded = true;
      let next = 0;
      return valid.map((_, i) => existing[i] ?? created[next++]);
    }
  }

  /**
   * Guarantee 1 (durable acceptance): the lifecycle's create commits the
   * tasks, their labels and their "created" events in one transaction
   * before this returns, so an OK answer to CreateTask means the task is in
   * the store. Tasks of a batch, like single creates, may be handed straight
   * to a local agent stream with a free slot: a batch is how busy producers
   * create, and a claim round trip would cost each of its tasks latency.
   */
  private insertValidated(valid: ValidTaskInput[], now: number, origin: TaskOrigin, caller: Caller, rollout: RolloutPolicy | null = null): Promise<TaskRecord[]> {
    let drafts = valid.map((v) => toTaskDraft(v, now, origin));
    if (!rollout || !origin.groupId) return this.lifecycle.create(drafts, { handOff: true, audit: drafts.map((d) => this.createdEvent(caller, d, now)) });
    drafts = RolloutManager.assignWaves(drafts, rollout);
    const group = { id: origin.groupId, method: drafts[0].method, policy: rollout, total: drafts.length, notBeforeTime: valid[0].notBeforeTime, scheduleId: null };
    return this.lifecycle.create(drafts, { handOff: true, audit: drafts.map((d) => this.createdEvent(caller, d, now)), alsoWrite: (tx) => RolloutManager.writeGroup(tx, group) });
  }

  /**
   * Fan-out: one task per consumer matching `selector` now, in one
   * transaction, under a new group id; with a rollout, those of later waves
   * held. Nothing matching is FAILED_PRECONDITION, and nothing is written.
   * Errors name "template.<field>".
   */
  async createGroup(selector: ConsumerSelector, template: CreateTaskInput, caller: Caller, rollout: RolloutPolicy | null = null): Promise<{ groupId: string; tasks: TaskRecord[] }> {
    if (isEmptySelector(selector)) throw new InvalidArgumentError('consumer_selector', 'is required (or consumer_id_pattern): at least one term such as role=web');
    if (template.consumerId) throw new InvalidArgumentError('template.consumer_id', 'must be empty: the selector chooses the consumers');
    if (template.idempotencyKey) throw new InvalidArgumentError('template.idempotency_key', 'is not supported for groups');
    const policy = rollout ? validateRolloutPolicy('rollout', rollout) : null;
    const now = this.clock.now();
    const consumers = await listConsumers(this.db, selector, null, MAX_GROUP_SIZE + 1);
    if (consumers.length > MAX_GROUP_SIZE) throw new FailedPreconditionError(`consumer_selector matches more than ${MAX_GROUP_SIZE} consumers; narrow it`);
    // Validate the template once, as if for a consumer, so errors name template fields.
    const [checked] = this.validateAll([{ ...template, consumerId: consumers[0]?.id ?? 'placeholder' }], now, (field) => `template.${field}`);
    // Every consumer the selector reaches must be within the caller's scope: a fan-out is no way around it.
    assertMethodAllowed(caller.principal, 'tasks.create', checked.method);
    assertConsumersInScope(caller.principal, 'tasks.create', consumers);
    // No group id for nothing: a caller would watch a group that does not exist.
    if (consumers.length === 0) throw new FailedPreconditionError(`no consumer matches ${describeSelector(selector)}`);
    // All or nothing, like the rest of a group: one host whose agent lacks the method refuses the fan-out.
    for (const c of consumers) assertMethodOffered('template.method', c.id, checked.method, c.agent, checked.allowUnknownMethod ?? false);
    const groupId = crypto.randomUUID();
    const tasks = await this.insertValidated(consumers.map((c) => ({ ...checked, consumerId: c.id })), now, { groupId, createdBy: caller.label }, caller, policy);
    caller.recorded = true;
    if (policy) this.rollouts.wake();
    return { groupId, tasks };
  }

  /** A group's rollout (or, for a group without one, where its tasks are), its waves and counts. */
  async getGroup(groupId: string): Promise<TaskGroupView> {
    await this.groupMembers(groupId);
    const [summary] = await this.summarise([groupId]);
    const rolled = await this.rollouts.get(groupId);
    if (rolled) return { groupId, method: summary.method, createTime: summary.createTime, rollout: rolled.group, tally: rolled.tally, state: rolled.group.state };
    const by = (states: readonly TaskStateName[]) => states.reduce((n, s) => n + (summary.byState[s] ?? 0), 0);
    const tally: WaveTally = { total: summary.total, succeeded: by(['SUCCEEDED']), failed: by(FAILED_STATES), canceled: by(['CANCELED']), held: 0, currentWaveEnded: by(UNFINISHED_STATES) === 0 };
    return { groupId, method: summary.method, createTime: summary.createTime, rollout: null, tally, state: tally.currentWaveEnded ? 'COMPLETED' : 'RUNNING' };
  }

  /** Continues a PAUSED rollout. */
  async resumeGroup(groupId: string, caller: Caller): Promise<TaskGroupView> {
    await this.assertGroupInScope(groupId, caller);
    await this.rollouts.resume(groupId, caller.auditEvent(`task_group/${groupId}`, this.clock.now()));
    caller.recorded = true;
    return this.getGroup(groupId);
  }

  /** Stops a rollout: no new wave; tasks not yet started end CANCELED. */
  async abortGroup(groupId: string, reason: string, caller: Caller): Promise<TaskGroupView> {
    optionalText('reason', reason, MAX_CANCEL_REASON_LENGTH);
    await this.assertGroupInScope(groupId, caller);
    await this.rollouts.abort(groupId, reason, caller.auditEvent(`task_group/${groupId}`, this.clock.now(), { reason: reason || undefined }));
    caller.recorded = true;
    return this.getGroup(groupId);
  }

  /** A scoped caller may act on a group only if every unfinished task of it is within its scope. */
  private async assertGroupInScope(groupId: string, caller: Caller): Promise<void> {
    await this.groupMembers(groupId);
    if (caller.principal.scope.selector || caller.principal.scope.methods) {
      const page = await this.list({ groupId }, MAX_GROUP_SIZE, '', false);
      await this.assertInScope(caller, 'tasks.cancel', page.tasks.filter((t) => !isTerminal(t.state)));
    }
  }

  /** Cancels every unfinished task of a group (each in its own transaction, with its audit row); returns the group's tasks. A rollout is aborted first, so no wave starts meanwhile. */
  async cancelGroup(groupId: string, reason: string, caller: Caller): Promise<TaskRecord[]> {
    optionalText('reason', reason, MAX_CANCEL_REASON_LENGTH);
    await this.assertGroupInScope(groupId, caller);
    const rolled = await this.rollouts.get(groupId);
    if (rolled && (rolled.group.state === 'RUNNING' || rolled.group.state === 'PAUSED')) {
      await this.rollouts.abort(groupId, reason || 'the group was canceled', null).catch((err) => {
        // It ended (or was aborted) meanwhile: the cancels below still apply.
        if (!(err instanceof FailedPreconditionError)) throw err;
      });
    }
    const members = await this.groupMembers(groupId);
    for (const member of members) {
      if (isTerminal(member.state)) continue;
      await this.cancel(member.id, reason, caller, { group_id: groupId }).catch((err) => {
        // It ended on its own meanwhile: that is fine for a group cancel.
        if (!(err instanceof FailedPreconditionError)) throw err;
      });
    }
    // Without their large fields: a group of a thousand tasks with big results would not fit one response.
    return this.list({ groupId }, MAX_GROUP_SIZE, '', false).then((page) => page.tasks.reverse());
  }

  private async groupMembers(groupId: string, field = 'group_id'): Promise<Array<{ id: string; state: TaskStateName }>> {
    if (!groupId) throw new InvalidArgumentError(field, 'is required');
    if (groupId.length > MAX_TASK_ID_LENGTH) throw new InvalidArgumentError(field, `is longer than ${MAX_TASK_ID_LENGTH} characters`);
    const members = await groupTaskStates(this.db, groupId);
    if (members.length === 0) throw new NotFoundError('group', groupId, field);
    return members;
  }

  /**
   * Events of every task of a group, past then live, ending when all have
   * ended. Each task's events are in order (its row lock orders them); a
   * per-task cursor keeps one task's late-committed event from being
   * skipped because another task's later event was seen first.
   */
  async *watchGroup(groupId: string, afterEventId: number, signal: AbortSignal): AsyncGenerator<GroupWatchItem> {
    let members = await this.groupMembers(groupId);
    const cursors = new Map(members.map((m) => [m.id, afterEventId]));
    // Group events are few: a resumed watch gets them all again.
    let groupCursor = 0;
    const wake = new Wake();
    const unsubscribe = this.notifier.onAnyTask(wake.fire);
    try {
      while (!signal.aborted) {
        // A rollout still RUNNING or PAUSED has tasks to come, even when every released one has ended.
        const rollout = await this.rollouts.get(groupId);
        const rolloutEnded = rollout === null || rollout.group.state === 'ABORTED' || rollout.group.state === 'COMPLETED';
        members = await groupTaskStates(this.db, groupId);
        const allEndedBeforeRead = rolloutEnded && members.every((m) => isTerminal(m.state));
        for (const event of rollout ? await this.rollouts.events(groupId, groupCursor) : []) {
          groupCursor = event.id;
          yield { group: event };
        }
        const floor = Math.min(...cursors.values());
        const events = await listGroupEvents(this.db, groupId, floor, 1000);
        for (const event of events) {
          if (event.id <= (cursors.get(event.taskId) ?? floor)) continue;
          cursors.set(event.taskId, event.id);
          yield { task: event };
        }
        if (events.length === 1000) continue;
        if (allEndedBeforeRead) return;
        await wake.wait(this.watchPollMs, signal);
      }
    } finally {
      unsubscribe();
    }
  }

  /** How many tasks are in each unfinished state, in the whole store (one grouped count). */
  async unfinishedCounts(): Promise<Record<TaskStateName, number>> {
    const counts = await countTasksByState(this.db, UNFINISHED_STATES);
    return Object.fromEntries(UNFINISHED_STATES.map((s) => [s, counts.get(s) ?? 0])) as Record<TaskStateName, number>;
  }

  /** Per consumer, how many of its tasks are in each unfinished state. */
  async unfinishedCountsByConsumer(consumerIds: string[]): Promise<Map<string, Partial<Record<TaskStateName, number>>>> {
    const counts = await countTasksByConsumerAndState(this.db, consumerIds, UNFINISHED_STATES);
    return new Map(consumerIds.map((id) => [id, Object.fromEntries(counts.get(id) ?? [])]));
  }

  /** A task's recorded events, oldest first (at most `limit`). */
  async events(taskId: string, limit = 1000): Promise<TaskEventRecord[]> {
    await this.get(taskId);
    return listTaskEvents(this.db, taskId, 0, limit);
  }

  /** The most recent groups (fan-outs and schedule fires), newest first, with where their tasks are. */
  async recentGroups(limit = 50): Promise<GroupSummary[]> {
    return this.summarise(await recentGroupIds(this.db, 20_000, limit));
  }

  /** One group: where its tasks are, and the tasks (without their large fields). */
  async group(groupId: string): Promise<{ summary: GroupSummary; tasks: TaskRecord[] }> {
    await this.groupMembers(groupId);
    const [summary] = await this.summarise([groupId]);
    const { tasks } = await this.list({ groupId }, MAX_GROUP_SIZE, '', false);
    return { summary, tasks: tasks.reverse() };
  }

  private async summarise(groupIds: string[]): Promise<GroupSummary[]> {
    const summaries = new Map<string, GroupSummary>(groupIds.map((groupId) => [groupId, { groupId, method: '', scheduleId: null, createTime: 0, total: 0, byState: {} }]));
    for (const row of await groupStateCounts(this.db, groupIds)) {
      const summary = summaries.get(row.groupId)!;
      summary.method = row.method;
      summary.scheduleId = row.scheduleId;
      summary.createTime = summary.createTime ? Math.min(summary.createTime, row.firstCreateTime) : row.firstCreateTime;
      summary.total += row.count;
      summary.byState[row.state] = row.count;
    }
    return [...summaries.values()];
  }

  private async findIdempotentMatches(valid: ValidTaskInput[], fieldName: FieldName): Promise<(TaskRecord | null)[]> {
    return Promise.all(
      valid.map(async (v, i) => {
        if (!v.idempotencyKey) return null;
        const task = await findTaskByIdempotencyKey(this.db, v.idempotencyKey);
        if (!task) return null;
        if (task.requestHash !== v.requestHash) {
          throw new AlreadyExistsError(fieldName('idempotency_key', i), `"${v.idempotencyKey}" was already used for a different request (task ${task.id})`);
        }
        return task;
      }),
    );
  }

  async get(taskId: string, field = 'task_id'): Promise<TaskRecord> {
    if (!taskId) throw new InvalidArgumentError(field, 'is required');
    if (taskId.length > MAX_TASK_ID_LENGTH) throw new InvalidArgumentError(field, `is longer than ${MAX_TASK_ID_LENGTH} characters; task ids are UUIDs`);
    const task = await findTaskById(this.db, taskId);
    if (!task) throw new NotFoundError('task', taskId, field);
    return task;
  }

  /**
   * A page of tasks, newest first. `full`: with their large fields, and then
   * the page ends early once it holds LIST_FULL_BUDGET_BYTES of them, so
   * that a client with default message limits can read it; otherwise those
   * fields are left empty and never read.
   */
  async list(filter: TaskFilter, pageSize: number, pageToken: string, full = true): Promise<{ tasks: TaskRecord[]; nextPageToken: string }> {
    validateTaskFilter(filter);
    const beforeSeq = this.pageTokens.decode<number>('page_token', pageToken, filter, 'number');
    const tasks = await listTasks(this.db, filter, beforeSeq, pageSize + 1, full);
    let end = Math.min(pageSize, tasks.length);
    if (full) {
      let bytes = 0;
      for (let i = 0; i < end; i++) {
        bytes += largeFieldBytes(tasks[i]);
        if (bytes > LIST_FULL_BUDGET_BYTES && i > 0) {
          end = i;
          break;
        }
      }
    }
    const page = tasks.slice(0, end);
    const more = tasks.length > end;
    return { tasks: page, nextPageToken: more ? this.pageTokens.encode(page[page.length - 1].seq, filter) : '' };
  }

  /**
   * Cancels at once what no agent holds yet. For a dispatched or running
   * task the request is recorded and its agent told, now or when it next
   * connects; the task ends with what the agent reports, or FAILED
   * (OutcomeUnknown) after the abandon deadline (see TaskLifecycle.cancel).
   */
  async cancel(taskId: string, reason: string, caller: Caller, details: Record<string, unknown> = {}): Promise<TaskRecord> {
    optionalText('reason', reason, MAX_CANCEL_REASON_LENGTH);
    const cause = reason ? `canceled: ${reason}` : 'canceled by CancelTask';
    for (let attempt = 0; attempt < 5; attempt++) {
      const task = await this.get(taskId);
      await this.assertInScope(caller, 'tasks.cancel', [task]);
      if (isTerminal(task.state)) {
        throw new FailedPreconditionError(`task ${taskId} has already ended (${task.state}); only unfinished tasks can be canceled`);
      }
      const audit = caller.auditEvent(`task/${taskId}`, this.clock.now(), { ...details, reason: reason || undefined });
      if (await this.lifecycle.cancel(task, cause, audit)) {
        caller.recorded = true;
        return this.get(taskId);
      }
      // Already asked: cancelling twice is not an error.
      if (!UNDISPATCHED_STATES.includes(task.state) && task.cancelRequestedTime !== null) return task;
      // Otherwise the task moved under us (e.g. was dispatched): look again.
    }
    throw new FailedPreconditionError(`task ${taskId} kept changing state; try again`);
  }

  /**
   * The task's events after `afterEventId`, then live ones, ending after the
   * terminal state. Each pass reads the task's state before its events, so
   * when the state is terminal every event up to the terminal one is already
   * visible: the watcher cannot stop early, nor miss or repeat an event. A
   * pass that found the task already ended also yields what follows the
   * terminal event (a late outcome) before it ends.
   */
  async *watch(taskId: string, afterEventId: number, signal: AbortSignal): AsyncGenerator<TaskEventRecord> {
    await this.get(taskId);
    if (!Number.isSafeInteger(afterEventId) || afterEventId < 0) throw new InvalidArgumentError('after_event_id', 'must be zero or a positive event id');
    const wake = new Wake();
    const unsubscribe = this.notifier.onTask(taskId, wake.fire);
    let cursor = afterEventId;
    const pageSize = 500;
    try {
      while (!signal.aborted) {
        const stateRow = await taskOwnerAndState(this.db, taskId);
        const endedBeforeRead = stateRow !== null && isTerminal(stateRow.state);
        const events = await listTaskEvents(this.db, taskId, cursor, pageSize);
        for (const event of events) {
          yield event;
          cursor = event.id;
          if (event.type === 'STATE_CHANGED' && isTerminal(event.state) && !endedBeforeRead) return;
        }
        if (events.length === pageSize) continue;
        if (endedBeforeRead || stateRow === null) return;
        await wake.wait(this.watchPollMs, signal);
      }
    } finally {
      unsubscribe();
    }
  }
}
