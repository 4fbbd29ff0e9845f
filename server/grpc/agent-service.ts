import type { AgentHub } from '../agents/agent-hub';
import type { AgentCapabilities } from '../agents/agent-session';
import type { ConsumerManager } from '../consumers/consumer-manager';
import { FailedPreconditionError, InvalidArgumentError, ResourceExhaustedError, UnauthenticatedError } from '../errors';
import { AdmissionGate } from '../agents/admission-gate';
import type { Logger } from '../../common/log';
import type { AgentServiceHandlers } from '../../protos/generated/taskplane/v1/AgentService';
import type { AgentHello__Output } from '../../protos/generated/taskplane/v1/AgentHello';
import { toServiceError } from './status';
import type { Clock } from '../clock';
import type { AuditLog } from '../security/audit-log';
import type { AgentProof } from '../consumers/credentials';
import { certificateCommonName, certificateSubject } from './auth';
import { decodeAgentMessage, GrpcAgentChannel, type AgentStream } from './agent-channel';

export const CONSUMER_ID_METADATA = 'taskplane-consumer-id';
const HELLO_TIMEOUT_MS = 10_000;
const MAX_CONCURRENCY = 256;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/**
 * AgentService.Connect: proves who the agent is (guarantee 4 starts here),
 * reads its hello, and hands the stream to the AgentHub as a channel of
 * decoded messages; a bounded number of streams at a time (AdmissionGate).
 */
export function agentServiceHandlers(
  hub: AgentHub,
  consumers: ConsumerManager,
  logger: Logger,
  audit: AuditLog,
  clock: Clock,
  options: { maxQueuedPerStream?: number; admission?: AdmissionGate } = {},
): AgentServiceHandlers {
  const admission = options.admission ?? new AdmissionGate();
  return {
    Connect: (stream: AgentStream) => {
      void (async () => {
        const admitted = await admission.enter();
        if (!admitted) throw new ResourceExhaustedError(`too many agent streams are being admitted (${admission.maxActive} at once, ${admission.queued} waiting); reconnect after a backoff`);
        try {
          if (stream.cancelled) return; // gone while it waited its turn
          const { consumerId, proof } = await authenticate(stream, consumers);
          const hello = await firstMessageIsHello(stream);
          const channel = new GrpcAgentChannel(stream, consumerId, logger, options.maxQueuedPerStream);
          const attached = await hub.attach(channel, consumerId, capabilitiesFrom(hello), proof);
          if (!attached) return;
          const { session } = attached;
          stream.on('data', (message) => hub.receive(session, decodeAgentMessage(message)));
          stream.resume();
          // What a new stream is owed (redelivery, claim, cancellations) is part of its admission's cost.
          await attached.opened;
        } finally {
          admitted();
        }
      })().catch(async (err) => {
        if (err instanceof UnauthenticatedError) {
          logger.warn({ event: 'agent.unauthenticated', consumerId: stream.metadata.get(CONSUMER_ID_METADATA)[0], peer: stream.getPeer(), reason: err.message }, 'agent refused');
          // A refused agent is a refused call: recorded, like any other.
          await audit.record({
            eventTime: clock.now(),
            principalId: err.principalId,
            principalName: err.principalName,
            certificateSubject: certificateSubject(stream),
            peer: stream.getPeer(),
            rpc: 'taskplane.v1.AgentService/Connect',
            action: 'agent.connect',
            resource: err.principalName ? `consumer/${err.principalName}` : '',
            outcome: 'UNAUTHENTICATED',
            detailsJson: JSON.stringify({ error: err.message }),
          });
        }
        stream.emit('error', toServiceError(err, logger, 'Connect'));
      });
    },
  };
}

/**
 * Proves the consumer: its bearer credential, or (mutual TLS, no
 * credential sent) a verified client certificate whose subject CN is the
 * consumer id. The proof is kept with the session: the hub ends the stream
 * when it no longer holds (revoked, grace period over).
 */
async function authenticate(stream: AgentStream, consumers: ConsumerManager): Promise<{ consumerId: string; proof: AgentProof }> {
  const consumerId = String(stream.metadata.get(CONSUMER_ID_METADATA)[0] ?? '');
  const authorization = String(stream.metadata.get('authorization')[0] ?? '');
  if (!consumerId) throw new UnauthenticatedError(`missing "${CONSUMER_ID_METADATA}" metadata`);
  if (consumerId.length > 63) throw new UnauthenticatedError(`"${CONSUMER_ID_METADATA}" is longer than 63 characters`);
  const match = /^Bearer (\S+)$/.exec(authorization);
  if (authorization && !match) throw new UnauthenticatedError('the "authorization" metadata is not "Bearer <credential>"', `consumer:${consumerId}`, consumerId);
  const proof = await consumers.authenticateAgent(consumerId, match ? match[1] : null, certificateCommonName(stream));
  return { consumerId, proof };
}

function firstMessageIsHello(stream: AgentStream): Promise<AgentHello__Output> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new FailedPreconditionError(`no hello within ${HELLO_TIMEOUT_MS} ms`)), HELLO_TIMEOUT_MS);
    const onData = (message: { hello?: AgentHello__Output | null }) => {
      // Hold what follows until the hub has taken the stream (resumed in Connect).
      stream.pause();
      if (message.hello) done(null, message.hello);
      else done(new FailedPreconditionError('the first message on the stream must be hello'));
    };
    const onEnd = () => done(new FailedPreconditionError('the stream ended before hello'));
    function done(err: Error | null, hello?: AgentHello__Output) {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      if (err) reject(err);
      else resolve(hello!);
    }
    stream.once('data', onData);
    stream.once('end', onEnd);
  });
}

function capabilitiesFrom(hello: AgentHello__Output): AgentCapabilities {
  const concurrency = hello.concurrency === 0 ? 1 : hello.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new InvalidArgumentError('hello.concurrency', `must be between 1 and ${MAX_CONCURRENCY}, got ${hello.concurrency}`);
  }
  const methods = new Set<string>();
  hello.capabilities.forEach((capability, i) => {
    if (!NAME.test(capability.className)) throw new InvalidArgumentError(`hello.capabilities[${i}].class_name`, `"${capability.className}" is not a class name`);
    capability.methods.forEach((method, j) => {
      if (!NAME.test(method)) throw new InvalidArgumentError(`hello.capabilities[${i}].methods[${j}]`, `"${method}" is not a method name`);
      methods.add(`${capability.className}.${method}`);
    });
  });
  return { agentVersion: hello.agentVersion.slice(0, 128), concurrency, methods };
}
