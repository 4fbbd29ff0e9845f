import type { TaskManager } from '../tasks/task-manager';
import type { CreateTaskInput } from '../tasks/task-input';
import { InvalidArgumentError } from '../errors';
import { optionalTraceparent, pageSize, parseLabelSelector } from '../validation';
import { parseConsumerSelector } from '../consumers/selector';
import { durationToMs, groupEventToProto, parseId, rolloutFromProto, stateFromProto, taskEventToProto, taskGroupToProto, taskToProto, timeRange, timestampToMs } from './convert';
import type { GetTaskGroupRequest__Output } from '../../protos/generated/taskplane/v1/GetTaskGroupRequest';
import type { ResumeTaskGroupRequest__Output } from '../../protos/generated/taskplane/v1/ResumeTaskGroupRequest';
import type { AbortTaskGroupRequest__Output } from '../../protos/generated/taskplane/v1/AbortTaskGroupRequest';
import type { WatchTaskGroupResponse } from '../../protos/generated/taskplane/v1/WatchTaskGroupResponse';
import type { GuardedService } from './auth';
import type { TaskServiceHandlers } from '../../protos/generated/taskplane/v1/TaskService';
import type { CreateTaskRequest__Output } from '../../protos/generated/taskplane/v1/CreateTaskRequest';
import type { BatchCreateTasksRequest__Output } from '../../protos/generated/taskplane/v1/BatchCreateTasksRequest';
import type { GetTaskRequest__Output } from '../../protos/generated/taskplane/v1/GetTaskRequest';
import type { ListTasksRequest__Output } from '../../protos/generated/taskplane/v1/ListTasksRequest';
import type { CancelTaskRequest__Output } from '../../protos/generated/taskplane/v1/CancelTaskRequest';
import type { CreateTaskGroupRequest__Output } from '../../protos/generated/taskplane/v1/CreateTaskGroupRequest';
import type { CancelTaskGroupRequest__Output } from '../../protos/generated/taskplane/v1/CancelTaskGroupRequest';
import type { TaskEvent } from '../../protos/generated/taskplane/v1/TaskEvent';
import type { WatchTaskRequest__Output } from '../../protos/generated/taskplane/v1/WatchTaskRequest';
import type { WatchTaskGroupRequest__Output } from '../../protos/generated/taskplane/v1/WatchTaskGroupRequest';
import type { TaskEventRecord } from '../tasks/task-record';
import type * as grpc from '@grpc/grpc-js';
import { TRACEPARENT } from '../../common/trace-context';

/** TaskService: translates messages and statuses; the logic is TaskManager's. Every handler is guarded (auth.ts). */
export function taskServiceHandlers(tasks: TaskManager, edge: GuardedService): TaskServiceHandlers {
  return {
    CreateTask: edge.unary('CreateTask', async (req: CreateTaskRequest__Output, caller, metadata) => ({ task: taskToProto(await tasks.create(createInput(req, traceparentOf(metadata)), caller)) })),

    BatchCreateTasks: edge.unary('BatchCreateTasks', async (req: BatchCreateTasksRequest__Output, caller, metadata) => {
      const traceparent = traceparentOf(metadata);
      const inputs = req.requests.map((r, i) => {
        try {
          return createInput(r, traceparent);
        } catch (err) {
          throw err instanceof InvalidArgumentError ? err.withFieldPrefix(`requests[${i}]`) : err;
        }
      });
      return { tasks: (await tasks.createBatch(inputs, caller)).map(taskToProto) };
    }),

    GetTask: edge.unary('GetTask', async (req: GetTaskRequest__Output) => ({ task: taskToProto(await tasks.get(req.taskId)) })),

    ListTasks: edge.unary('ListTasks', async (req: ListTasksRequest__Output) => {
      const created = timeRange('create_time', req.createTimeFrom, req.createTimeTo);
      // Decoded here; checked by TaskManager.list (validateTaskFilter), for every edge alike.
      const filter = {
        consumerId: req.consumerId || undefined,
        states: req.states.map((s, i) => stateFromProto(`states[${i}]`, s)),
        method: req.method || undefined,
        labels: parseLabelSelector('label_selector', req.labelSelector),
        createTimeFrom: created.from,
        createTimeTo: created.to,
        groupId: req.groupId || undefined,
        scheduleId: req.scheduleId || undefined,
      };
      const page = await tasks.list(filter, pageSize('page_size', req.pageSize), req.pageToken, req.view === 'TASK_VIEW_FULL');
      return { tasks: page.tasks.map(taskToProto), nextPageToken: page.nextPageToken };
    }),

    CancelTask: edge.unary('CancelTask', async (req: CancelTaskRequest__Output, caller) => ({ task: taskToProto(await tasks.cancel(req.taskId, req.reason, caller)) })),

    CreateTaskGroup: edge.unary('CreateTaskGroup', async (req: CreateTaskGroupRequest__Output, caller, metadata) => {
      const selector = parseConsumerSelector('consumer_selector', req.consumerSelector, 'consumer_id_pattern', req.consumerIdPattern);
      const traceparent = traceparentOf(metadata);
      let template: CreateTaskInput;
      try {
        template = createInput(req.template ?? emptyTemplate(), traceparent);
      } catch (err) {
        throw err instanceof InvalidArgumentError ? err.withFieldPrefix('template') : err;
      }
      const { groupId, tasks: created } = await tasks.createGroup(selector, template, caller, rolloutFromProto(req.rollout));
      return { groupId, tasks: created.map(taskToProto) };
    }),

    GetTaskGroup: edge.unary('GetTaskGroup', async (req: GetTaskGroupRequest__Output) => ({ group: taskGroupToProto(await tasks.getGroup(req.groupId)) })),
    ResumeTaskGroup: edge.unary('ResumeTaskGroup', async (req: ResumeTaskGroupRequest__Output, caller) => ({ group: taskGroupToProto(await tasks.resumeGroup(req.groupId, caller)) })),
    AbortTaskGroup: edge.unary('AbortTaskGroup', async (req: AbortTaskGroupRequest__Output, caller) => ({ group: taskGroupToProto(await tasks.abortGroup(req.groupId, req.reason, caller)) })),

    CancelTaskGroup: edge.unary('CancelTaskGroup', async (req: CancelTaskGroupRequest__Output, caller) => ({ tasks: (await tasks.cancelGroup(req.groupId, req.reason, caller)).map(taskToProto) })),

    WatchTaskGroup: edge.serverStream<WatchTaskGroupRequest__Output, WatchTaskGroupResponse>('WatchTaskGroup', async function* stream(req, _caller, signal) {
      const after = parseId('after_event_id', req.afterEventId);
      for await (const item of tasks.watchGroup(req.groupId, after, signal)) yield item.task ? { event: taskEventToProto(item.task) } : { groupEvent: groupEventToProto(item.group) };
    }),
    WatchTask: eventStream<WatchTaskRequest__Output>('WatchTask', (req, after, signal) => tasks.watch(req.taskId, after, signal)),
  };

  /** A server stream of task events, resumable after `after_event_id`. */
  function eventStream<Req extends { afterEventId: string }>(method: string, events: (req: Req, after: number, signal: AbortSignal) => AsyncIterable<TaskEventRecord>) {
    return edge.serverStream<Req, { event: TaskEvent }>(method, async function* stream(req, _caller, signal) {
      const after = parseId('after_event_id', req.afterEventId);
      for await (const event of events(req, after, signal)) yield { event: taskEventToProto(event) };
    });
  }
}

function emptyTemplate(): CreateTaskRequest__Output {
  return { consumerId: '', method: '', argumentsJson: '', notBeforeTime: null, notAfterTime: null, timeoutDuration: null, labels: {}, idempotencyKey: '', allowUnknownMethod: false, notBeforeDelay: null, notAfterDelay: null };
}

/** The caller's W3C trace context, from the call's "traceparent" metadata (one for every task the call creates). */
function traceparentOf(metadata: grpc.Metadata): string | null {
  return optionalTraceparent(TRACEPARENT, metadata.get(TRACEPARENT).map(String));
}

function createInput(req: CreateTaskRequest__Output, traceparent: string | null): CreateTaskInput {
  return {
    traceparent,
    consumerId: req.consumerId,
    method: req.method,
    argumentsJson: req.argumentsJson,
    notBeforeTime: timestampToMs('not_before_time', req.notBeforeTime),
    notAfterTime: timestampToMs('not_after_time', req.notAfterTime),
    notBeforeDelayMs: durationToMs('not_before_delay', req.notBeforeDelay),
    notAfterDelayMs: durationToMs('not_after_delay', req.notAfterDelay),
    timeoutMs: durationToMs('timeout_duration', req.timeoutDuration),
    labels: req.labels,
    idempotencyKey: req.idempotencyKey,
    allowUnknownMethod: req.allowUnknownMethod,
  };
}
