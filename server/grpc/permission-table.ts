import type { Permission } from '../security/permissions';

/**
 * The permission of every RPC the server serves, in one table. An RPC is
 * open (health, reflection), proven by an agent (AgentService: a consumer
 * credential or client certificate, see agent-service.ts), or needs an API
 * token whose role has `permission`; `action` names it in the audit log,
 * `mutates` says it changes something (always audited), `create` puts it
 * under the per-token create rate limit. The server refuses to start if a
 * served method has no entry here or a token method's handler is not
 * guarded (auth.ts), and test/security.e2e.ts walks every entry with every
 * role.
 */
export type TokenRule = { kind: 'token'; permission: Permission; action: string; mutates: boolean; create: boolean };
export type RpcRule = { kind: 'open' } | { kind: 'agent' } | TokenRule;

const read = (permission: Permission, action: string): TokenRule => ({ kind: 'token', permission, action, mutates: false, create: false });
const change = (permission: Permission, action: string): TokenRule => ({ kind: 'token', permission, action, mutates: true, create: false });
const create = (permission: Permission, action: string): TokenRule => ({ kind: 'token', permission, action, mutates: true, create: true });
const OPEN: RpcRule = { kind: 'open' };

export const RPC_RULES: Readonly<Record<string, RpcRule>> = {
  'taskplane.v1.TaskService/CreateTask': create('tasks.create', 'task.create'),
  'taskplane.v1.TaskService/BatchCreateTasks': create('tasks.create', 'task.create'),
  'taskplane.v1.TaskService/GetTask': read('tasks.read', 'task.get'),
  'taskplane.v1.TaskService/ListTasks': read('tasks.read', 'task.list'),
  'taskplane.v1.TaskService/CancelTask': change('tasks.cancel', 'task.cancel'),
  'taskplane.v1.TaskService/WatchTask': read('tasks.watch', 'task.watch'),
  'taskplane.v1.TaskService/CreateTaskGroup': create('tasks.create', 'task_group.create'),
  'taskplane.v1.TaskService/CancelTaskGroup': change('tasks.cancel', 'task_group.cancel'),
  'taskplane.v1.TaskService/WatchTaskGroup': read('tasks.watch', 'task_group.watch'),
  'taskplane.v1.TaskService/GetTaskGroup': read('tasks.read', 'task_group.get'),
  'taskplane.v1.TaskService/ResumeTaskGroup': change('tasks.cancel', 'task_group.resume'),
  'taskplane.v1.TaskService/AbortTaskGroup': change('tasks.cancel', 'task_group.abort'),

  'taskplane.v1.ConsumerService/RegisterConsumer': change('consumers.manage', 'consumer.register'),
  'taskplane.v1.ConsumerService/GetConsumer': read('consumers.read', 'consumer.get'),
  'taskplane.v1.ConsumerService/ListConsumers': read('consumers.read', 'consumer.list'),
  'taskplane.v1.ConsumerService/DeleteConsumer': change('consumers.manage', 'consumer.delete'),
  'taskplane.v1.ConsumerService/ListConsumerHistory': read('consumers.read', 'consumer.history'),
  'taskplane.v1.ConsumerService/RotateConsumerCredential': change('consumers.manage', 'consumer.rotate_credential'),
  'taskplane.v1.ConsumerService/RevokeConsumerCredential': change('consumers.manage', 'consumer.revoke_credential'),
  'taskplane.v1.ConsumerService/GetConsumerTimeline': read('consumers.read', 'consumer.timeline'),

  'taskplane.v1.ScheduleService/CreateSchedule': create('schedules.manage', 'schedule.create'),
  'taskplane.v1.ScheduleService/GetSchedule': read('schedules.read', 'schedule.get'),
  'taskplane.v1.ScheduleService/ListSchedules': read('schedules.read', 'schedule.list'),
  'taskplane.v1.ScheduleService/UpdateSchedule': change('schedules.manage', 'schedule.update'),
  'taskplane.v1.ScheduleService/PauseSchedule': change('schedules.manage', 'schedule.pause'),
  'taskplane.v1.ScheduleService/ResumeSchedule': change('schedules.manage', 'schedule.resume'),
  'taskplane.v1.ScheduleService/DeleteSchedule': change('schedules.manage', 'schedule.delete'),
  'taskplane.v1.ScheduleService/PreviewSchedule': read('schedules.read', 'schedule.preview'),
  'taskplane.v1.ScheduleService/ListScheduleFires': read('schedules.read', 'schedule.list_fires'),
  'taskplane.v1.ScheduleService/TriggerSchedule': change('schedules.manage', 'schedule.trigger'),
  'taskplane.v1.ScheduleService/BackfillSchedule': change('schedules.manage', 'schedule.backfill'),

  'taskplane.v1.TokenService/CreateToken': change('tokens.manage', 'token.create'),
  'taskplane.v1.TokenService/ListTokens': read('tokens.manage', 'token.list'),
  'taskplane.v1.TokenService/RevokeToken': change('tokens.manage', 'token.revoke'),

  'taskplane.v1.AuditService/ListAuditEvents': read('audit.read', 'audit.list'),

  'taskplane.v1.AgentService/Connect': { kind: 'agent' },

  'grpc.health.v1.Health/Check': OPEN,
  'grpc.health.v1.Health/Watch': OPEN,
  'grpc.reflection.v1.ServerReflection/ServerReflectionInfo': OPEN,
  'grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo': OPEN,
};

/** The token rule of `rpc` ("taskplane.v1.TaskService/CreateTask"); throws if it has none (a programming error, caught at start). */
export function tokenRule(rpc: string): TokenRule {
  const rule = RPC_RULES[rpc];
  if (!rule || rule.kind !== 'token') throw new Error(`${rpc} has no token rule in RPC_RULES (server/grpc/permission-table.ts)`);
  return rule;
}
