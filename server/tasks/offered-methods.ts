import { FailedPreconditionError } from '../errors';
import type { AgentHelloRecord } from '../consumers/consumer-record';

/** How many offered methods a refusal lists before "and N more". */
const LISTED = 50;

/**
 * Refuses a task whose method the consumer's agent, as of its last hello,
 * does not offer: it would wait for an agent that can never run it (a
 * misspelled method waits forever for an offline host). A consumer whose
 * agent never connected has no hello and accepts any method; `force`
 * (allow_unknown_method) skips the check, e.g. ahead of an agent upgrade.
 * `field` names the request's method field ("method", "requests[3].method").
 */
export function assertMethodOffered(field: string, consumerId: string, method: string, hello: AgentHelloRecord | null | undefined, force: boolean): void {
  if (force || !hello || hello.methods.includes(method)) return;
  const listed = hello.methods.slice(0, LISTED).join(', ');
  const more = hello.methods.length > LISTED ? ` and ${hello.methods.length - LISTED} more` : '';
  const offers = hello.methods.length === 0 ? 'it offers none' : `it offers: ${listed}${more}`;
  throw new FailedPreconditionError(
    `${field} "${method}" is not offered by consumer ${consumerId}'s agent (${hello.agentVersion || 'unknown version'}); ${offers}. Set allow_unknown_method (taskplane task create --force) to create it anyway`,
  );
}
