import type { Logger } from '../../shared/log';
import type { TaskManager } from '../tasks/task-manager';
import type { CreateTaskInput } from '../tasks/task-input';
import { InvalidArgumentError } from '../errors';
import { optionalTraceparent, pageSize, parseLabelSelector } from '../validation';
import { durationToMs, parseId, stateFromProto, taskEventToProto, taskToProto, timeRange, timestampToMs } from './convert';
import { LiveStreams, serverStream, unary } from './status';
import type { TaskServiceHandlers } from '../../protos/generated/taskplane/v1/TaskService';
import type { CreateTaskRequest__Output } from '../../protos/generated/taskplane/v1/CreateTaskRequest';
import type { TaskEvent } from '../../protos/generated/taskplane/v1/TaskEvent';
import type { WatchTaskRequest__Output } from '../../protos/generated/taskplane/v1/WatchTaskRequest';
import type { WatchTaskGroupRequest__Output } from '../../protos/generated/taskplane/v1/WatchTaskGroupRequest';
import type { TaskEventRecord } from '../tasks/task-record';
import type * as grpc from '@grpc/grpc-js';
import { TRACEPARENT } from '../../shared/trace-context';

/** TaskService: translates messages and statuses; the logic is TaskManager's. */
export function taskServiceHandlers(tasks: TaskManager, logger: Logger, liveStreams: LiveStreams): TaskServiceHandlers {
  return {
    CreateTask: unary(logger, 'CreateTask', async (req, call) => ({ task: taskToProto(await tasks.create(createInput(req, traceparentOf(call)))) })),

    BatchCreateTasks: unary(logger, 'BatchCreateTasks', async (req, call) => {
      const traceparent = traceparentOf(call);
      const inputs = req.requests.map((r, i) => {
        try {
          return createInput(r, traceparent);
        } catch (err) {
          throw err instanceof InvalidArgumentError ? err.withFieldPrefix(`requests[${i}]`) : err;
        }
      });
      return { tasks: (await tasks.createBatch(inputs)).map(taskToProto) };
    }),

    GetTask: unary(logger, 'GetTask', async (req) => ({ task: taskToProto(await tasks.get(req.taskId)) })),

    ListTasks: unary(logger, 'ListTasks', async (req) => {
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

    CancelTask: unary(logger, 'CancelTask', async (req) => ({ task: taskToProto(await tasks.cancel(req.taskId, req.reason)) })),

    CreateTaskGroup: unary(logger, 'CreateTaskGroup', async (req, call) => {
      const selector = parseLabelSelector('consumer_selector', req.consumerSelector);
      const traceparent = traceparentOf(call);
      let template: CreateTaskInput;
      try {
        template = createInput(req.template ?? emptyTemplate(), traceparent);
      } catch (err) {
        throw err instanceof InvalidArgumentError ? err.withFieldPrefix('template') : err;
      }
      const { groupId, tasks: created } = await tasks.createGroup(selector, template);
      return { groupId, tasks: created.map(taskToProto) };
    }),

    CancelTaskGroup: unary(logger, 'CancelTaskGroup', async (req) => ({ tasks: (await tasks.cancelGroup(req.groupId, req.reason)).map(taskToProto) })),

    WatchTaskGroup: eventStream<WatchTaskGroupRequest__Output>('WatchTaskGroup', (req, after, signal) => tasks.watchGroup(req.groupId, after, signal)),
    WatchTask: eventStream<WatchTaskRequest__Output>('WatchTask', (req, after, signal) => tasks.watch(req.taskId, after, signal)),
  };

  /** A server stream of task events, resumable after `after_event_id`. */
  function eventStream<Req extends { afterEventId: string }>(method: string, events: (req: Req, after: number, signal: AbortSignal) => AsyncIterable<TaskEventRecord>) {
    return serverStream<Req, { event: TaskEvent }>(
      logger,
      method,
      async function* stream(req, signal) {
        const after = parseId('after_event_id', req.afterEventId);
        for await (const event of events(req, after, signal)) yield { event: taskEventToProto(event) };
      },
      liveStreams,
    );
  }
}

function emptyTemplate(): CreateTaskRequest__Output {
  return { consumerId: '', method: '', argumentsJson: '', notBeforeTime: null, notAfterTime: null, timeoutDuration: null, labels: {}, idempotencyKey: '' };
}

/** The caller's W3C trace context, from the call's "traceparent" metadata (one for every task the call creates). */
function traceparentOf(call: grpc.ServerUnaryCall<unknown, unknown>): string | null {
  return optionalTraceparent(TRACEPARENT, call.metadata.get(TRACEPARENT).map(String));
}

function createInput(req: CreateTaskRequest__Output, traceparent: string | null): CreateTaskInput {
  return {
    traceparent,
    consumerId: req.consumerId,
    method: req.method,
    argumentsJson: req.argumentsJson,
    notBeforeTime: timestampToMs('not_before_time', req.notBeforeTime),
    notAfterTime: timestampToMs('not_after_time', req.notAfterTime),
    timeoutMs: durationToMs('timeout_duration', req.timeoutDuration),
    labels: req.labels,
    idempotencyKey: req.idempotencyKey,
  };
}
