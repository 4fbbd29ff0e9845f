import * as grpc from '@grpc/grpc-js';
import type { TaskServiceClient } from '../protos/generated/taskplane/v1/TaskService';
import type { CreateTaskRequest } from '../protos/generated/taskplane/v1/CreateTaskRequest';
import type { Task__Output } from '../protos/generated/taskplane/v1/Task';
import { call } from './client';

/** What BatchCreateTasks takes at most (task_service.proto). */
const MAX_BATCH_TASKS = 1000;
/** Requests go out before their arguments pass this, well under the server's 8 MiB message limit. */
const MAX_BATCH_ARGUMENT_BYTES = 2 * 1024 * 1024;

/**
 * A batch failed with one of these because of one entry (the message names
 * it, "requests[3].method"); the batch wrote nothing, so each request is
 * sent again alone to get its own answer.
 */
const ENTRY_ERRORS = new Set([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.NOT_FOUND,
  grpc.status.ALREADY_EXISTS,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.PERMISSION_DENIED,
]);

export interface TaskCreatorOptions {
  /** Each call's deadline (default 30 s). */
  deadlineMs?: number;
  /** Requests per BatchCreateTasks call, 1 to 1000 (default 1000). */
  maxBatch?: number;
}

interface Pending {
  request: CreateTaskRequest;
  resolve: (task: Task__Output) => void;
  reject: (err: unknown) => void;
}

/**
 * CreateTask for producers with many tasks: the creates asked for in one
 * turn of the event loop travel together as one BatchCreateTasks call, one
 * transaction on the server, instead of a unary call each (per-call cost is
 * most of what a create costs both sides). Nothing waits for company: a
 * lone create leaves at the end of the turn it was asked in.
 *
 * Each create still gets its own answer with CreateTask's meaning: it
 * resolves once its task is committed, and rejects with the status CreateTask
 * would have given it. A batch is all or nothing, so when one entry spoils
 * it (an unknown consumer, a bad field, an idempotency key reused for
 * another request) nothing of it was written and each request is sent again
 * alone.
 */
export class TaskCreator {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly deadlineMs: number;
  private readonly maxBatch: number;

  constructor(
    private readonly tasks: TaskServiceClient,
    options: TaskCreatorOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 30_000;
    this.maxBatch = Math.min(MAX_BATCH_TASKS, Math.max(1, options.maxBatch ?? MAX_BATCH_TASKS));
  }

  create(request: CreateTaskRequest): Promise<Task__Output> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    let batch: Pending[] = [];
    let bytes = 0;
    for (const pending of queue) {
      const size = Buffer.byteLength(pending.request.argumentsJson ?? '');
      if (batch.length === this.maxBatch || (batch.length > 0 && bytes + size > MAX_BATCH_ARGUMENT_BYTES)) {
        this.send(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(pending);
      bytes += size;
    }
    if (batch.length > 0) this.send(batch);
  }

  private send(batch: Pending[]): void {
    if (batch.length === 1) {
      this.sendAlone(batch[0]);
      return;
    }
    call(this.tasks, 'batchCreateTasks', { requests: batch.map((p) => p.request) }, { deadline: Date.now() + this.deadlineMs }).then(
      (response) => batch.forEach((p, i) => p.resolve(response.tasks[i])),
      (err: grpc.ServiceError) => {
        if (ENTRY_ERRORS.has(err.code)) batch.forEach((p) => this.sendAlone(p));
        else batch.forEach((p) => p.reject(err));
      },
    );
  }

  private sendAlone(pending: Pending): void {
    call(this.tasks, 'createTask', pending.request, { deadline: Date.now() + this.deadlineMs }).then(
      (response) => pending.resolve(response.task!),
      (err) => pending.reject(err),
    );
  }
}
