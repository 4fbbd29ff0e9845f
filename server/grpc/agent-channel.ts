import * as grpc from '@grpc/grpc-js';
import type { AgentChannel, MessageToAgent, StreamEnd } from '../agents/agent-session';
import type { MessageFromAgent } from '../agents/agent-hub';
import type { Logger } from '../../shared/log';
import type { ConnectRequest__Output } from '../../protos/generated/taskplane/v1/ConnectRequest';
import type { ConnectResponse } from '../../protos/generated/taskplane/v1/ConnectResponse';
import { msToDuration, msToTimestamp } from '../../shared/proto-time';

export type AgentStream = grpc.ServerDuplexStream<ConnectRequest__Output, ConnectResponse>;

/** Limits on what an agent's report may carry (documented in agent_service.proto). */
const MAX_PROGRESS_MESSAGE = 1000;
const MAX_PROGRESS_DETAILS = 16 * 1024;

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
};

/**
 * An agent's AgentService.Connect stream, as the hub sees it: domain
 * messages encoded to protos, written in order with backpressure (waiting
 * for 'drain' when write() says the buffer is full), ends mapped to gRPC
 * statuses, and one notice when the stream is gone.
 */
export class GrpcAgentChannel implements AgentChannel {
  private readonly queue: ConnectResponse[] = [];
  private writing = false;
  private closed = false;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    private readonly stream: AgentStream,
    private readonly consumerId: string,
    private readonly logger: Logger,
  ) {
    const gone = () => this.markClosed();
    for (const event of ['end', 'cancelled', 'close', 'error']) stream.on(event, gone);
  }

  send(message: MessageToAgent): void {
    if (this.closed) return;
    this.queue.push(encode(message));
    if (!this.writing) this.flush();
  }

  private flush(): void {
    this.writing = true;
    while (this.queue.length > 0 && !this.closed) {
      if (!this.stream.write(this.queue.shift()!)) {
        this.stream.once('drain', () => this.flush());
        return;
      }
    }
    this.writing = false;
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
    this.queue.length = 0;
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

/** An agent's message as the hub takes it, with the protocol's limits applied. */
export function decodeAgentMessage(message: ConnectRequest__Output): MessageFromAgent {
  if (message.accepted) return { kind: 'report', report: { kind: 'accepted', taskId: message.accepted.taskId } };
  if (message.progress) {
    const p = message.progress;
    const percent = Math.max(0, Math.min(100, p.percent | 0));
    return { kind: 'report', report: { kind: 'progress', taskId: p.taskId, percent, message: p.message.slice(0, MAX_PROGRESS_MESSAGE), detailsJson: p.detailsJson.slice(0, MAX_PROGRESS_DETAILS) } };
  }
  if (message.reply) {
    const r = message.reply;
    const error = r.outcome === 'error' && r.error ? { type: r.error.type || 'Error', message: r.error.message, detailsJson: r.error.detailsJson } : null;
    return { kind: 'report', report: { kind: 'reply', taskId: r.taskId, resultJson: error ? null : r.resultJson || 'null', error } };
  }
  if (message.hello) return { kind: 'hello' };
  // A heartbeat, or a message of a kind this server does not know (a newer
  // agent's): either way the agent is alive, and nothing else is done.
  return { kind: 'heartbeat' };
}
