import path from 'node:path';
import * as protobuf from 'protobufjs';
import { PROTO_FILES, PROTO_ROOT } from '../protos/loader';

/**
 * A decoded message (as @grpc/proto-loader hands it over: camelCase keys,
 * int64 as strings, enums as names, defaults filled in) -> the proto3 JSON
 * mapping: lowerCamelCase names, Timestamp as RFC 3339 text in UTC
 * ("2026-12-01T02:00:00Z"), Duration as "1.500s", int64 as strings, enums
 * by name, bytes as base64. Scalars, lists and maps are always written, with
 * their default when unset (the mapping's "emit default values" option, so a
 * script reads "" rather than a missing key); an unset message field is left
 * out. Beyond the mapping, every `*_json` text field gets a parsed twin
 * without the suffix (`argumentsJson` -> `arguments`), so scripts need not
 * decode JSON held in a string; the text stays for byte-exact use.
 *
 * Written here rather than taken from protobufjs: its toObject/toJSON writes
 * a Timestamp as {seconds, nanos} and knows no Duration text. Its reflection
 * (the same .proto files the gRPC loader reads) gives each field's type.
 * Shared because the client verbs and any command printing API messages use
 * it (common/output.ts).
 */

/** Put on a decoded message (not enumerable, so JSON.stringify and deep equality ignore it): its full type name. */
export const PROTO_TYPE = Symbol('taskplane.protoType');

let root: protobuf.Root | null = null;

function reflection(): protobuf.Root {
  if (!root) {
    const loaded = new protobuf.Root();
    const wellKnown = new Set(Object.keys((protobuf as unknown as { common: Record<string, unknown> }).common).map((name) => `google/protobuf/${name}`));
    loaded.resolvePath = (_origin, target) => (wellKnown.has(target) || path.isAbsolute(target) ? target : path.join(PROTO_ROOT, target));
    loaded.loadSync(PROTO_FILES, { keepCase: false });
    loaded.resolveAll();
    root = loaded;
  }
  return root;
}

/**
 * Marks `message` as being of `typeName` ("taskplane.v1.Task"), or as the
 * response of a method path ("/taskplane.v1.TaskService/GetTask": resolved
 * only if the message is printed as JSON, so a table never loads the
 * reflection); returns it.
 */
export function tagProtoType<T>(message: T, typeName: string): T {
  if (message && typeof message === 'object') Object.defineProperty(message, PROTO_TYPE, { value: typeName, enumerable: false, configurable: true });
  return message;
}

/** The full type name a message was tagged with; a tag holding a method path ("/pkg.Service/Method") names that method's response type. */
export function protoTypeOf(message: unknown): string | undefined {
  const tag = message && typeof message === 'object' ? (message as { [PROTO_TYPE]?: string })[PROTO_TYPE] : undefined;
  return tag?.startsWith('/') ? responseTypeOf(tag) : tag;
}

/** The response type's full name of a gRPC method path ("/taskplane.v1.TaskService/GetTask" -> "taskplane.v1.GetTaskResponse"). */
export function responseTypeOf(methodPath: string): string | undefined {
  const [, service, method] = /^\/([^/]+)\/([^/]+)$/.exec(methodPath) ?? [];
  if (!service) return undefined;
  const found = reflection().lookup(service);
  if (!(found instanceof protobuf.Service)) return undefined;
  const rpc = found.methods[method];
  return rpc?.resolvedResponseType ? rpc.resolvedResponseType.fullName.replace(/^\./, '') : undefined;
}

/** The proto3 JSON of a message tagged with its type (tagProtoType), else of any value with tagged messages inside it. */
export function toProtoJson(value: unknown): unknown {
  const typeName = protoTypeOf(value);
  if (typeName) return messageJson(reflection().lookupType(typeName), value as Record<string, unknown>);
  if (Array.isArray(value)) return value.map(toProtoJson);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, toProtoJson(v)]));
  }
  return value;
}

/** The list a response carries (its one repeated message field, e.g. ListTasksResponse.tasks), each entry as proto3 JSON; null if it has none. */
export function listEntriesJson(value: unknown): unknown[] | null {
  const typeName = protoTypeOf(value);
  if (!typeName) return Array.isArray(value) ? value.map(toProtoJson) : null;
  const type = reflection().lookupType(typeName);
  const lists = type.fieldsArray.filter((f) => f.repeated && f.resolvedType instanceof protobuf.Type);
  if (lists.length !== 1) return null;
  const [field] = lists;
  const entries = ((value as Record<string, unknown>)[field.name] as unknown[] | undefined) ?? [];
  return entries.map((entry) => messageJson(field.resolvedType as protobuf.Type, entry as Record<string, unknown>));
}

function messageJson(type: protobuf.Type, message: Record<string, unknown>): unknown {
  const special = wellKnownJson(type.fullName, message);
  if (special !== undefined) return special;
  const json: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = message[field.name];
    // Of a oneof, only the member that is set (proto-loader marks the others undefined or null).
    if (field.partOf && (value === undefined || value === null)) continue;
    if (field.map) {
      json[field.name] = Object.fromEntries(Object.entries((value as Record<string, unknown>) ?? {}).map(([k, v]) => [k, fieldValueJson(field, v)]));
    } else if (field.repeated) {
      json[field.name] = ((value as unknown[]) ?? []).map((v) => fieldValueJson(field, v));
    } else if (field.resolvedType instanceof protobuf.Type) {
      if (value !== undefined && value !== null) json[field.name] = fieldValueJson(field, value);
    } else {
      json[field.name] = fieldValueJson(field, value ?? field.typeDefault);
    }
    if (field.type === 'string' && field.name.endsWith('Json') && !field.repeated && !field.map) {
      const twin = field.name.slice(0, -'Json'.length);
      const parsed = parsedJsonText(json[field.name] as string);
      if (!type.fields[twin] && parsed !== undefined) json[twin] = parsed;
    }
  }
  return json;
}

function fieldValueJson(field: protobuf.Field, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageJson(resolved, value as Record<string, unknown>);
  if (resolved instanceof protobuf.Enum) return typeof value === 'number' ? (resolved.valuesById[value] ?? value) : value;
  switch (field.type) {
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return String(value ?? '0');
    case 'bytes':
      return Buffer.from((value as Uint8Array | string | undefined) ?? []).toString('base64');
    case 'double':
    case 'float':
      return Number.isFinite(value) ? value : String(value);
    default:
      return value;
  }
}

function wellKnownJson(fullName: string, message: Record<string, unknown>): string | undefined {
  const seconds = BigInt(String(message.seconds ?? '0'));
  const nanos = Number(message.nanos ?? 0);
  if (fullName === '.google.protobuf.Timestamp') {
    const ms = Number(seconds) * 1000;
    const text = new Date(ms).toISOString().slice(0, -'.000Z'.length);
    return `${text}${fraction(nanos)}Z`;
  }
  if (fullName === '.google.protobuf.Duration') {
    const negative = seconds < 0n || nanos < 0;
    const abs = (n: bigint) => (n < 0n ? -n : n);
    return `${negative ? '-' : ''}${abs(seconds)}${fraction(Math.abs(nanos))}s`;
  }
  return undefined;
}

/** Nanoseconds as the mapping writes them: none, or 3, 6 or 9 digits. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

function parsedJsonText(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON after all (an older record, or text a client chose): the raw field still carries it.
    return undefined;
  }
}
