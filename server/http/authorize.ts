import type { IncomingMessage } from 'node:http';
import type { Caller } from '../security/principal';

/**
 * What an HTTP route needs the caller to be allowed: the full name of the
 * gRPC method whose permission it shares ("/taskplane.v1.TaskService/CancelTask"),
 * so that one permission table decides for both edges; or, for what has no
 * RPC, "metrics" (scraping /metrics). /healthz, /readyz and the console's
 * static files need none: the data the console shows comes through the API.
 */
export type Permission = `/taskplane.v1.${string}/${string}` | 'metrics';

/**
 * The authentication and authorisation of the HTTP edge: runs `body` as
 * the request's caller (its "Authorization: Bearer <API token>" header)
 * if that caller may do everything `permissions` name, and rejects with a
 * domain error otherwise (401 unauthenticated, 403 a missing permission,
 * mapped by http-status.ts). The server builds it from the same Guard as
 * the gRPC edge (token-authorize.ts): one set of tokens, one permission
 * table, one audit log. The console sends its token on every request, the
 * live views included (read with fetch, not EventSource, so they can carry
 * the header).
 */
export type Authorize = <T>(request: IncomingMessage, permissions: Permission[], body: (caller: Caller) => Promise<T>) => Promise<T>;

/** The permissions of the console API, by the RPC each route stands for. */
export const PERMISSIONS = {
  listTasks: '/taskplane.v1.TaskService/ListTasks',
  getTask: '/taskplane.v1.TaskService/GetTask',
  createTask: '/taskplane.v1.TaskService/CreateTask',
  createTaskGroup: '/taskplane.v1.TaskService/CreateTaskGroup',
  cancelTask: '/taskplane.v1.TaskService/CancelTask',
  cancelTaskGroup: '/taskplane.v1.TaskService/CancelTaskGroup',
  listConsumers: '/taskplane.v1.ConsumerService/ListConsumers',
  getConsumer: '/taskplane.v1.ConsumerService/GetConsumer',
  listConsumerHistory: '/taskplane.v1.ConsumerService/ListConsumerHistory',
  listSchedules: '/taskplane.v1.ScheduleService/ListSchedules',
  getSchedule: '/taskplane.v1.ScheduleService/GetSchedule',
  previewSchedule: '/taskplane.v1.ScheduleService/PreviewSchedule',
  pauseSchedule: '/taskplane.v1.ScheduleService/PauseSchedule',
  resumeSchedule: '/taskplane.v1.ScheduleService/ResumeSchedule',
} as const satisfies Record<string, Permission>;
