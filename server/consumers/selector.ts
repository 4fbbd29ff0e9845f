import { InvalidArgumentError } from '../errors';
import { MAX_LABEL_VALUE_LENGTH, truncate } from '../validation';

/**
 * Which consumers a request means: label terms in the style of Kubernetes
 * label selectors, all of which must hold, and an optional glob on the
 * consumer id. Parsed once here for every edge (gRPC, HTTP) and every user
 * (ListConsumers, CreateTaskGroup, schedules); matched by one query in
 * server/store/consumer-store.ts.
 */
export type SelectorTerm =
  /** `k=v`, `k==v`, `k in (a,b)`: has label k with one of the values. */
  | { key: string; op: 'in'; values: string[] }
  /** `k!=v`, `k notin (a,b)`: has no label k with one of the values (no label k at all matches too, as in Kubernetes). */
  | { key: string; op: 'notin'; values: string[] }
  /** `k`: has label k, whatever its value. */
  | { key: string; op: 'exists' }
  /** `!k`: has no label k. */
  | { key: string; op: 'absent' };

export interface ConsumerSelector {
  terms: SelectorTerm[];
  /** A glob on the consumer id: `*` any run of characters, `?` one; null: any id. */
  idPattern: string | null;
}

export const MAX_SELECTOR_TERMS = 32;
const KEY = '[A-Za-z0-9][A-Za-z0-9._/-]{0,62}';
const VALUE = '[^,()!=\\s][^,()=]*?';
const EQUALS = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})?$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^()]*)\\)$`);
const EXISTS = new RegExp(`^(!?)\\s*(${KEY})$`);
const ID_PATTERN = /^[a-z0-9._*?-]{1,63}$/;
const GRAMMAR = 'k=v, k==v, k!=v, k in (a,b), k notin (a,b), k or !k';

/** Splits "a=1, b in (x,y)" into its terms: commas inside parentheses belong to the term. */
function splitTerms(entry: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < entry.length; i++) {
    if (entry[i] === '(') depth++;
    else if (entry[i] === ')') depth--;
    else if (entry[i] === ',' && depth === 0) {
      terms.push(entry.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(entry.slice(start));
  return terms.map((t) => t.trim());
}

function checkedValue(field: string, term: string, value: string): string {
  if (value.length > MAX_LABEL_VALUE_LENGTH) throw new InvalidArgumentError(field, `"${truncate(term)}": a value is longer than ${MAX_LABEL_VALUE_LENGTH} characters`);
  if (/[\u0000-\u001f]/.test(value)) throw new InvalidArgumentError(field, `"${truncate(term)}": a value contains control characters`);
  return value;
}

/** One term; throws INVALID_ARGUMENT naming `field` and the term. */
export function parseSelectorTerm(field: string, term: string): SelectorTerm {
  const set = SET.exec(term);
  if (set) {
    const values = set[3].split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) throw new InvalidArgumentError(field, `"${truncate(term)}" has an empty value in its list`);
    return { key: set[1], op: set[2] === 'in' ? 'in' : 'notin', values: values.map((v) => checkedValue(field, term, v)) };
  }
  const eq = EQUALS.exec(term);
  if (eq) {
    const value = checkedValue(field, term, (eq[3] ?? '').trim());
    return { key: eq[1], op: eq[2] === '!=' ? 'notin' : 'in', values: [value] };
  }
  const exists = EXISTS.exec(term);
  if (exists) return { key: exists[2], op: exists[1] ? 'absent' : 'exists' };
  throw new InvalidArgumentError(field, `"${truncate(term)}" is not a selector term (${GRAMMAR})`);
}

/**
 * ["role=web, zone in (eu,us)", "!canary"] into terms, all ANDed: each
 * entry may hold several comma-separated terms. Errors name the entry
 * (`field[i]`) and the term.
 */
export function parseSelectorTerms(field: string, entries: string[]): SelectorTerm[] {
  const terms = entries.flatMap((entry, i) => splitTerms(entry).map((term) => parseSelectorTerm(`${field}[${i}]`, term)));
  if (terms.length > MAX_SELECTOR_TERMS) throw new InvalidArgumentError(field, `has ${terms.length} terms; at most ${MAX_SELECTOR_TERMS} are allowed`);
  return terms;
}

/** A consumer id glob, or null when empty. */
export function parseIdPattern(field: string, pattern: string): string | null {
  if (!pattern) return null;
  if (!ID_PATTERN.test(pattern)) throw new InvalidArgumentError(field, `"${truncate(pattern)}" is not a consumer id pattern (1-63 of a-z, 0-9, '.', '_', '-', with '*' for any run of characters and '?' for one)`);
  return pattern;
}

export function parseConsumerSelector(selectorField: string, entries: string[], patternField: string, pattern: string): ConsumerSelector {
  return { terms: parseSelectorTerms(selectorField, entries), idPattern: parseIdPattern(patternField, pattern) };
}

/** {role: "web"} as a selector (the form stored before selectors had operators). */
export function equalitySelector(labels: Record<string, string>): ConsumerSelector {
  return { terms: Object.entries(labels).map(([key, value]) => ({ key, op: 'in', values: [value] })), idPattern: null };
}

export function isEmptySelector(selector: ConsumerSelector): boolean {
  return selector.terms.length === 0 && selector.idPattern === null;
}

/** A term as the user writes it: "role=web", "zone notin (eu,us)", "!canary". */
export function formatTerm(term: SelectorTerm): string {
  switch (term.op) {
    case 'exists':
      return term.key;
    case 'absent':
      return `!${term.key}`;
    case 'in':
      return term.values.length === 1 ? `${term.key}=${term.values[0]}` : `${term.key} in (${term.values.join(',')})`;
    case 'notin':
      return term.values.length === 1 ? `${term.key}!=${term.values[0]}` : `${term.key} notin (${term.values.join(',')})`;
  }
}

/** What the selector asks for, for messages: `role=web, !canary, id web-*`. */
export function describeSelector(selector: ConsumerSelector): string {
  const parts = selector.terms.map(formatTerm);
  if (selector.idPattern) parts.push(`id ${selector.idPattern}`);
  return parts.join(', ') || 'every consumer';
}

/** Whether stored JSON is a selector of this module (rather than the older {key: value} object). */
function isStoredSelector(value: unknown): value is ConsumerSelector {
  return typeof value === 'object' && value !== null && Array.isArray((value as { terms?: unknown }).terms);
}

/** Reads a selector as stored: this module's form, or the older {key: value} object. */
export function selectorFromJson(json: string): ConsumerSelector {
  const value: unknown = JSON.parse(json);
  if (isStoredSelector(value)) return { terms: value.terms, idPattern: value.idPattern ?? null };
  return equalitySelector(value as Record<string, string>);
}
