import * as grpc from '@grpc/grpc-js';
import type { AgentChannel, MessageToAgent, StreamEnd } from '../agents/agent-session';
import type { MessageFromAgent } from '../agents/agent-hub';
import type { Logger } from '../../common/log';
import type { TaskErrorInfo } from '../tasks/task-record';
import type { ConnectRequest__Output } from '../../protos/generated/taskplane/v1/ConnectRequest';
import type { ConnectResponse } from '../../protos/generated/taskplane/v1/ConnectResponse';
import { msToDuration, msToTimestamp } from '../../common/proto-time';
import { OrderedWriter } from '../../common/ordered-writer';

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
  /** Larger results are replaced by {"result_too_large":{"bytes":N}}. */
  resultBytes: 1024 * 1024,
  /** Longer error types are cut. */
  errorTypeChars: 128,
  /** Longer error messages are cut to this, with a note of how much was cut. */
  errorMessageBytes: 16 * 1024,
  /** Larger details are replaced by {"details_too_large":{"bytes":N}}. */
  errorDetailsBytes: 1024 * 1024,
  progressMessageChars: 1000,
  /** Larger progress details are replaced as error details are. */
  progressDetailsBytes: 16 * 1024,
};

/** The status each way of ending a stream reaches the agent with, and what the agent does about it. */
const END_STATUS: Record<StreamEnd, grpc.status> = {
  finished: grpc.status.OK,
  replaced: grpc.status.ABORTED, // the agent stops: another process speaks for this consumer
  unregistered: grpc.status.UNAUTHENTICATED, // the agent stops: its credential no longer works
  revoked: grpc.status.UNAUTHENTICATED,
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
          previouslyAccepted: task.state === 'RUNNING',
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

/** `json` if it is at most `limit` bytes, else {"<key>":{"bytes":N}}: never cut mid-JSON. */
function withinLimit(json: string, limit: number, key: string): string {
  if (json.length * 3 <= limit) return json; // UTF-8 needs at most 3 bytes per UTF-16 unit
  const bytes = Buffer.byteLength(json);
  return bytes <= limit ? json : JSON.stringify({ [key]: { bytes } });
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
    const detailsJson = withinLimit(p.detailsJson, REPORT_LIMITS.progressDetailsBytes, 'details_too_large');
    return { kind: 'report', report: { kind: 'progress', taskId: p.taskId, percent, message: [...p.message].slice(0, REPORT_LIMITS.progressMessageChars).join(''), detailsJson } };
  }
  if (message.reply) {
    const r = message.reply;
    // A reply past a limit still settles its task as the agent says (the outcome is the truth about the host); only the oversized text is replaced.
    if (r.outcome === 'error' && r.error) return { kind: 'report', report: { kind: 'reply', taskId: r.taskId, resultJson: null, error: boundedError(r.error) } };
    return { kind: 'report', report: { kind: 'reply', taskId: r.taskId, resultJson: withinLimit(r.resultJson || 'null', REPORT_LIMITS.resultBytes, 'result_too_large'), error: null } };
  }
  if (message.hello) return { kind: 'hello' };
  // A heartbeat, or a message of a kind this server does not know (a newer
  // agent's): either way the agent is alive, and nothing else is done.
  return { kind: 'heartbeat' };
}

/** The error of a reply within the limits: a long type or message is cut (the message saying so), large details are replaced. */
function boundedError(error: { type: string; message: string; detailsJson: string }): TaskErrorInfo {
  return {
    type: [...(error.type || 'Error')].slice(0, REPORT_LIMITS.errorTypeChars).join(''),
    message: cutToBytes(error.message, REPORT_LIMITS.errorMessageBytes),
    detailsJson: withinLimit(error.detailsJson, REPORT_LIMITS.errorDetailsBytes, 'details_too_large'),
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
