import type { IncomingMessage } from 'node:http';

/**
 * What an HTTP route needs the caller to be allowed: the full name of the
 * gRPC method whose permission it shares ("/taskplane.v1.TaskService/CancelTask"),
 * so that one permission table decides for both edges; or, for what has no
 * RPC, "metrics" (scraping /metrics). /healthz, /readyz and the console's
 * static files need none: the data the console shows comes through the API.
 */
export type Permission = `/taskplane.v1.${string}/${string}` | 'metrics';

/**
 * The authentication and authorisation hook of the HTTP edge: resolves if
 * the request's caller (its Authorization header, its TLS client
 * certificate) may do what `permission` names, and rejects with a domain
 * error otherwise (UnauthenticatedError: 401; a permission error: 403 once
 * server/http/http-status.ts maps it). Every route calls it before doing
 * anything; a route of the console API that reads several things asks for
 * each of their permissions.
 *
 * Until API tokens exist the server runs without authentication, as the
 * gRPC edge does, and ALLOW_ALL is used. The security work plugs its
 * principal and permission check in here (HttpListenerOptions.authorize,
 * built where server/server.ts wires the listener), and the console sends
 * its token as "Authorization: Bearer ..." on every request, the live
 * views included (they are read with fetch, not EventSource, so they can
 * carry the header).
 */
export type Authorize = (request: IncomingMessage, permission: Permission) => Promise<void>;

export const ALLOW_ALL: Authorize = async () => {};

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
