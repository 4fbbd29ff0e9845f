import * as grpc from '@grpc/grpc-js';
import type { AgentChannel, MessageToAgent, StreamEnd } from '../agents/agent-session';
import type { MessageFromAgent } from '../agents/agent-hub';
import type { Logger } from '../../shared/log';
import type { TaskErrorInfo } from '../tasks/task-record';
import type { ConnectRequest__Output } from '../../protos/generated/taskplane/v1/ConnectRequest';
import type { ConnectResponse } from '../../protos/generated/taskplane/v1/ConnectResponse';
import { msToDuration, msToTimestamp } from '../../shared/proto-time';
import { OrderedWriter } from '../../shared/ordered-writer';

export type AgentStream = grpc.ServerDuplexStream<ConnectRequest__Output, ConnectResponse>;

/**
 * Messages held for an agent that does not read its stream. The server
 * sends task requests only within the agent's free slots, so a reading
 * agent never comes near this; one that stops reading is cut off here
 * rather than growing the server's memory.
 */
export const MAX_QUEUED_PER_STREAM = 4096;

/** Limits on what an agent's report may carry, as agent_service.proto documents them. */
export const REPORT_LIMITS = {
  /** A task id is a UUID; anything longer cannot name a task. */
  taskIdChars: 64,
  resultBytes: 1024 * 1024,
  errorTypeChars: 128,
  /** Longer error messages are cut to this, with a note of how much was cut. */
  errorMessageBytes: 16 * 1024,
  errorDetailsBytes: 1024 * 1024,
  progressMessageChars: 1000,
  /** Progress details past this are dropped (cut JSON would not parse). */
  progressDetailsBytes: 16 * 1024,
};

/** The status each way of ending a stream reaches the agent with, and what the agent does about it. */
const END_STATUS: Record<StreamEnd, grpc.status> = {
  finished: grpc.status.OK,
  replaced: grpc.status.ABORTED, // the agent stops: another process speaks for this consumer
  unregistered: grpc.status.UNAUTHENTICATED, // the agent stops: its credential no longer works
  shutting_down: grpc.status.UNAVAILABLE, // reconnect, to this server or another
  silent: grpc.status.UNAVAILABLE,
  protocol_violation: grpc.status.FAILED_PRECONDITION,
  store_failed: grpc.status.UNAVAILABLE,
  slow_reader: grpc.status.RESOURCE_EXHAUSTED, // reconnect, and read what you are sent
  flooding: grpc.status.RESOURCE_EXHAUSTED, // reconnect (with backoff), and send less
  released: grpc.status.UNAVAILABLE,
  lease_lost: grpc.status.UNAVAILABLE,
};

/**
 * An agent's AgentService.Connect stream, as the hub sees it: domain
 * messages encoded to protos, written in order with backpressure and a
 * bound (OrderedWriter), ends mapped to gRPC statuses, and one notice when
 * the stream is gone.
 */
export class GrpcAgentChannel implements AgentChannel {
  private readonly writer: OrderedWriter<ConnectResponse>;
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    private readonly stream: AgentStream,
    private readonly consumerId: string,
    private readonly logger: Logger,
    maxQueued = MAX_QUEUED_PER_STREAM,
  ) {
    const gone = () => this.markClosed();
    for (const event of ['end', 'cancelled', 'close', 'error']) stream.on(event, gone);
    this.writer = new OrderedWriter(stream, maxQueued, () => this.end('slow_reader', `the agent did not read its stream: ${maxQueued} messages waited for it`));
  }

  send(message: MessageToAgent): void {
    if (!this.closed) this.writer.write(encode(message));
  }

  end(why: StreamEnd, details: string): void {
    if (this.closed) return;
    const code = END_STATUS[why];
    this.logger.info({ event: 'agent.stream_closed', consumerId: this.consumerId, why, code: grpc.status[code], reason: details }, 'agent stream closed');
    this.markClosed();
    if (code === grpc.status.OK) this.stream.end();
    // grpc-js turns an 'error' event on a server stream into the call's final status.
    else this.stream.emit('error', { code, details });
  }

  onClosed(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.writer.close();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

function encode(message: MessageToAgent): ConnectResponse {
  switch (message.kind) {
    case 'welcome':
      return {
        welcome: {
          serverId: message.serverId,
          heartbeatIntervalDuration: msToDuration(message.heartbeatIntervalMs),
          livenessTimeoutDuration: msToDuration(message.livenessTimeoutMs),
        },
      };
    case 'task': {
      const { task } = message;
      return {
        taskRequest: {
          taskId: task.id,
          method: task.method,
          argumentsJson: task.argumentsJson,
          attempt: task.attempt,
          notBeforeTime: msToTimestamp(task.notBeforeTime),
          notAfterTime: msToTimestamp(task.notAfterTime),
          timeoutDuration: msToDuration(task.timeoutMs),
          traceparent: task.traceparent ?? '',
        },
      };
    }
    case 'cancel':
      return { cancellation: { taskId: message.taskId, reason: message.reason } };
    case 'replyAck':
      return { replyAck: { taskId: message.taskId } };
    case 'heartbeat':
      return { heartbeat: { sendTime: msToTimestamp(message.time) } };
  }
}

/** An agent's message as the hub takes it, with the protocol's limits applied (REPORT_LIMITS). */
export function decodeAgentMessage(message: ConnectRequest__Output): MessageFromAgent {
  const taskId = (message.accepted ?? message.progress ?? message.reply)?.taskId;
  if (taskId !== undefined && (taskId === '' || taskId.length > REPORT_LIMITS.taskIdChars)) {
    return { kind: 'invalid', problem: taskId === '' ? 'a report without task_id' : `a task_id of ${taskId.length} characters` };
  }
  if (message.accepted) return { kind: 'report', report: { kind: 'accepted', taskId: message.accepted.taskId } };
  if (message.progress) {
    const p = message.progress;
    const percent = Math.max(0, Math.min(100, p.percent | 0));
    const detailsJson = Buffer.byteLength(p.detailsJson) > REPORT_LIMITS.progressDetailsBytes ? '' : p.detailsJson;
    return { kind: 'report', report: { kind: 'progress', taskId: p.taskId, percent, message: [...p.message].slice(0, REPORT_LIMITS.progressMessageChars).join(''), detailsJson } };
  }
  if (message.reply) {
    const r = message.reply;
    if (r.outcome === 'error' && r.error) return { kind: 'report', report: { kind: 'reply', taskId: r.taskId, resultJson: null, error: boundedError(r.error) } };
    const resultJson = r.resultJson || 'null';
    const bytes = Buffer.byteLength(resultJson);
    if (bytes > REPORT_LIMITS.resultBytes) return { kind: 'report', report: { kind: 'reply', taskId: r.taskId, resultJson: null, error: tooLarge('result_json', bytes, REPORT_LIMITS.resultBytes) } };
    return { kind: 'report', report: { kind: 'reply', taskId: r.taskId, resultJson, error: null } };
  }
  if (message.hello) return { kind: 'hello' };
  // A heartbeat, or a message of a kind this server does not know (a newer
  // agent's): either way the agent is alive, and nothing else is done.
  return { kind: 'heartbeat' };
}

/**
 * The error of a reply within the limits: a type or details past them
 * settle the task FAILED with type ReplyTooLarge instead (the agent's real
 * outcome cannot be recorded whole, and is not guessed at); a long message
 * is cut, saying so.
 */
function boundedError(error: { type: string; message: string; detailsJson: string }): TaskErrorInfo {
  const type = error.type || 'Error';
  if (type.length > REPORT_LIMITS.errorTypeChars) return tooLarge('error.type', type.length, REPORT_LIMITS.errorTypeChars, 'characters');
  const detailsBytes = Buffer.byteLength(error.detailsJson);
  if (detailsBytes > REPORT_LIMITS.errorDetailsBytes) return tooLarge('error.details_json', detailsBytes, REPORT_LIMITS.errorDetailsBytes);
  return { type, message: cutToBytes(error.message, REPORT_LIMITS.errorMessageBytes), detailsJson: error.detailsJson };
}

function tooLarge(field: string, size: number, limit: number, unit = 'bytes'): TaskErrorInfo {
  return {
    type: 'ReplyTooLarge',
    message: `the agent's reply could not be recorded: ${field} is ${size} ${unit}, at most ${limit} are accepted`,
    detailsJson: JSON.stringify({ field, size, limit, unit }),
  };
}

/** `text` cut to at most `maxBytes` of UTF-8 (never inside a character), saying how much was cut. */
function cutToBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return text;
  const note = ` [cut: ${bytes} bytes in all]`;
  let kept = '';
  let used = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (used + size > maxBytes - note.length) break;
    kept += char;
    used += size;
  }
  return kept + note;
}
