import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../log';
import type { TaskManager } from '../tasks/task-manager';
import type { CreateTaskInput } from '../tasks/task-input';
import { InvalidArgumentError } from '../errors';
import { optionalText, pageSize, parseLabelSelector } from '../validation';
import { durationToMs, parseId, stateFromProto, taskEventToProto, taskToProto, timestampToMs } from './convert';
import { serverStream, unary } from './status';
import type { TaskServiceHandlers } from '../../protos/generated/taskplane/v1/TaskService';
import type { CreateTaskRequest__Output } from '../../protos/generated/taskplane/v1/CreateTaskRequest';

/** TaskService: translates messages and statuses; the logic is TaskManager's. */
export function taskServiceHandlers(tasks: TaskManager, logger: Logger, liveStreams: Set<grpc.ServerWritableStream<any, any>>): TaskServiceHandlers {
  return {
    CreateTask: unary(logger, 'CreateTask', async (req) => ({ task: taskToProto(await tasks.create(createInput(req))) })),

    BatchCreateTasks: unary(logger, 'BatchCreateTasks', async (req) => {
      const inputs = req.requests.map((r, i) => {
        try {
          return createInput(r);
        } catch (err) {
          throw err instanceof InvalidArgumentError ? err.withFieldPrefix(`requests[${i}]`) : err;
        }
      });
      return { tasks: (await tasks.createBatch(inputs)).map(taskToProto) };
    }),

    GetTask: unary(logger, 'GetTask', async (req) => ({ task: taskToProto(await tasks.get(req.taskId)) })),

    ListTasks: unary(logger, 'ListTasks', async (req) => {
      const filter = {
        consumerId: req.consumerId || undefined,
        states: req.states.map((s, i) => stateFromProto(`states[${i}]`, s)),
        method: req.method || undefined,
        labels: parseLabelSelector('label_selector', req.labelSelector),
        createTimeFrom: timestampToMs('create_time_from', req.createTimeFrom) ?? undefined,
        createTimeTo: timestampToMs('create_time_to', req.createTimeTo) ?? undefined,
      };
      if (filter.consumerId) optionalText('consumer_id', filter.consumerId, 63);
      if (filter.method) optionalText('method', filter.method, 127);
      const page = await tasks.list(filter, pageSize('page_size', req.pageSize), req.pageToken);
      return { tasks: page.tasks.map(taskToProto), nextPageToken: page.nextPageToken };
    }),

    CancelTask: unary(logger, 'CancelTask', async (req) => {
      optionalText('reason', req.reason, 200);
      return { task: taskToProto(await tasks.cancel(req.taskId, req.reason)) };
    }),

    WatchTask: serverStream(
      logger,
      'WatchTask',
      async function* watch(req, signal) {
        const after = parseId('after_event_id', req.afterEventId);
        for await (const event of tasks.watch(req.taskId, after, signal)) yield { event: taskEventToProto(event) };
      },
      liveStreams,
    ),
  };
}

function createInput(req: CreateTaskRequest__Output): CreateTaskInput {
  return {
    consumerId: req.consumerId,
    method: req.method,
    argumentsJson: req.argumentsJson,
    notBefore: timestampToMs('not_before_time', req.notBeforeTime),
    notAfter: timestampToMs('not_after_time', req.notAfterTime),
    timeoutMs: durationToMs('timeout_duration', req.timeoutDuration),
    labels: req.labels,
    idempotencyKey: req.idempotencyKey,
  };
}
