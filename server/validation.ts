import { InvalidArgumentError } from './errors';
import { traceparentProblem } from '../common/trace-context';

/**
 * Field rules shared by every service. Each check throws an
 * InvalidArgumentError that names the field and what was wrong with it.
 */

const CONSUMER_ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,62}$/;
export const MAX_LABELS = 32;
export const MAX_LABEL_VALUE_LENGTH = 255;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function requireConsumerId(field: string, value: string): string {
  if (!value) throw new InvalidArgumentError(field, 'is required');
  if (!CONSUMER_ID.test(value)) {
    throw new InvalidArgumentError(field, `"${truncate(value)}" is not a valid consumer id (1-63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit)`);
  }
  return value;
}

export function optionalText(field: string, value: string, maxLength: number): string {
  // Characters as people count them (code points, as MySQL's utf8mb4 columns do), not UTF-16 units: an emoji is one.
  if (value.length > maxLength && [...value].length > maxLength) throw new InvalidArgumentError(field, `is longer than ${maxLength} characters`);
  if (/[\u0000-\u001f]/.test(value)) throw new InvalidArgumentError(field, 'contains control characters');
  return value;
}

export function validateLabels(field: string, labels: Record<string, string>): Record<string, string> {
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) throw new InvalidArgumentError(field, `has ${keys.length} labels; at most ${MAX_LABELS} are allowed`);
  for (const key of keys) {
    if (!LABEL_KEY.test(key)) {
      throw new InvalidArgumentError(`${field}["${truncate(key)}"]`, "is not a valid label key (1-63 of letters, digits, '.', '_', '-', '/', starting with a letter or digit)");
    }
    const value = labels[key];
    if (value.length > MAX_LABEL_VALUE_LENGTH) throw new InvalidArgumentError(`${field}["${key}"]`, `value is longer than ${MAX_LABEL_VALUE_LENGTH} characters`);
    if (/[\u0000-\u001f]/.test(value)) throw new InvalidArgumentError(`${field}["${key}"]`, 'value contains control characters');
  }
  return labels;
}

/** Parses ["role=build", "zone=eu"] into {role: "build", zone: "eu"}. */
export function parseLabelSelector(field: string, selector: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  selector.forEach((term, i) => {
    const eq = term.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`${field}[${i}]`, `"${truncate(term)}" is not of the form key=value`);
    const key = term.slice(0, eq);
    if (key in labels) throw new InvalidArgumentError(`${field}[${i}]`, `label "${truncate(key)}" appears twice`);
    labels[key] = term.slice(eq + 1);
  });
  return validateLabels(field, labels);
}

export function pageSize(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(field, `must be between 0 and ${MAX_PAGE_SIZE}, got ${value}`);
  if (value > MAX_PAGE_SIZE) throw new InvalidArgumentError(field, `must be at most ${MAX_PAGE_SIZE}, got ${value}`);
  return value === 0 ? DEFAULT_PAGE_SIZE : value;
}

export function truncate(value: string, max = 64): string {
  return value.length > max ? `${value.slice(0, max)}...` : value;
}

/**
 * The W3C traceparent a caller sent (gRPC metadata or an HTTP header named
 * `field`), or null if none. Malformed or repeated is refused, naming it:
 * the task would otherwise be stored without the trace its caller meant to
 * follow, silently.
 */
export function optionalTraceparent(field: string, sent: string[]): string | null {
  // HTTP/2 and HTTP/1.1 join a repeated header into one value with commas.
  const values = sent.flatMap((value) => value.split(',')).map((value) => value.trim());
  if (values.length === 0) return null;
  if (values.length > 1) throw new InvalidArgumentError(field, `was sent ${values.length} times; send it at most once`);
  const problem = traceparentProblem(values[0]);
  if (problem) throw new InvalidArgumentError(field, `"${truncate(values[0])}" is not a W3C traceparent: it ${problem}`);
  return values[0];
}
