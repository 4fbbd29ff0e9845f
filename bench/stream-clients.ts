/**
 * A bench process holding many agent streams at once (the streams and
 * backlog phases). It speaks AgentService.Connect at the wire level (HTTP/2,
 * gRPC framing, the generated protos' codecs) rather than through grpc-js
 * channels, for two reasons: each connection binds its own source address
 * (loopback has about 28k ports per address; grpc-js cannot bind one), and
 * a stream costs this process little, so one process holds thousands.
 *
 * Each stream does what an agent does on the wire: metadata with its
 * consumer id and credential, hello (again after a random backoff if the
 * stream is refused or cut before its welcome), heartbeats every interval the welcome
 * names (one shared timer for all streams), and, in `reply` mode, an accept
 * and a reply for every task it is sent, recording the order it got them.
 *
 * Started by bench/run.ts with an IPC channel:
 *   parent -> StartStreams          child -> {type: 'connected', welcomed, failed, retries, seconds, firstError}
 *   parent -> {type: 'report'}      child -> {type: 'report', received: {consumerId: taskIds in arrival order}, ...}
 *   parent -> {type: 'stop'}        child closes every connection and exits 0
 */
import http2 from 'node:http2';
import net from 'node:net';
import { loadPackageDefinition } from '../protos/loader';

export interface StartStreams {
  type: 'start';
  host: string;
  port: number;
  /** Source addresses, used in turn by successive connections (127.0.0.2 ...). */
  localAddresses: string[];
  /** Agent streams multiplexed on each HTTP/2 connection (1: one connection per agent, as real agents do). */
  streamsPerConnection: number;
  /** idle: hello and heartbeats only; reply: accept and succeed every task at once. */
  mode: 'idle' | 'reply';
  /** AgentHello.concurrency. */
  concurrency: number;
  agents: Array<{ consumerId: string; token: string }>;
  /** A stream not welcomed by then stops retrying and counts as failed. */
  connectTimeoutMs: number;
}

export type StreamClientsMessage =
  | { type: 'connected'; welcomed: number; failed: number; retries: number; seconds: number; firstError: string | null }
  | { type: 'progress'; welcomed: number; retries: number }
  | { type: 'report'; received: Record<string, string[]>; replies: number; ended: number; firstEnd: string | null }
  | { type: 'failed'; error: string };

type Codec = { serialize(value: object): Buffer; deserialize(bytes: Buffer): Record<string, any> };

function connectCodecs(): { request: Codec; response: Codec } {
  const method = loadPackageDefinition()['taskplane.v1.AgentService'] as unknown as Record<string, Record<string, (v: any) => any>>;
  const connect = method.Connect;
  return {
    request: { serialize: (v) => connect.requestSerialize(v), deserialize: (b) => connect.requestDeserialize(b) },
    response: { serialize: (v) => connect.responseSerialize(v), deserialize: (b) => connect.responseDeserialize(b) },
  };
}

/** One gRPC message: uncompressed flag, big-endian length, bytes. */
function frame(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  message.copy(out, 5);
  return out;
}

/** Splits a stream's bytes into gRPC messages, across chunk boundaries. */
class Deframer {
  private pending: Buffer | null = null;
  push(chunk: Buffer, onMessage: (m: Buffer) => void): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      onMessage(buf.subarray(5, 5 + len));
      buf = buf.subarray(5 + len);
    }
    this.pending = buf.length ? Buffer.from(buf) : null;
  }
}

interface Stream {
  consumerId: string;
  /** Attempts refused or cut before a welcome, for the backoff. */
  failures: number;
  call: http2.ClientHttp2Stream | null;
  welcomed: boolean;
  ended: boolean;
}

const codecs = connectCodecs();
const sessions: http2.ClientHttp2Session[] = [];
const streams: Stream[] = [];
const received: Record<string, string[]> = {};
let replies = 0;
let ended = 0;
let firstEnd: string | null = null;
let heartbeatTimer: NodeJS.Timeout | null = null;
let stopping = false;

function send(message: StreamClientsMessage): void {
  if (process.connected) process.send!(message);
}

function write(s: Stream, message: object): void {
  if (s.call && !s.ended && !s.call.destroyed) s.call.write(frame(codecs.request.serialize(message)));
}

/** Streams sharing one HTTP/2 connection from one source address; a new connection when the last one failed. */
interface Group {
  localAddress: string;
  session: http2.ClientHttp2Session | null;
}

function start(m: StartStreams): void {
  const t0 = performance.now();
  const deadline = Date.now() + m.connectTimeoutMs;
  let welcomed = 0;
  let failed = 0;
  let retries = 0;
  let firstError: string | null = null;
  let reported = false;
  const settle = () => {
    if (reported || welcomed + failed < m.agents.length) return;
    reported = true;
    clearTimeout(deadlineTimer);
    clearInterval(progress);
    send({ type: 'connected', welcomed, failed, retries, seconds: (performance.now() - t0) / 1000, firstError });
  };
  // At the deadline every stream not yet welcomed counts as failed, so the parent hears how far the storm got.
  const deadlineTimer = setTimeout(() => {
    for (const s of streams) if (!s.welcomed && !s.ended) {
      s.ended = true;
      failed++;
    }
    firstError ??= `not welcomed within ${m.connectTimeoutMs} ms`;
    settle();
  }, m.connectTimeoutMs);
  const progress = setInterval(() => send({ type: 'progress', welcomed, retries }), 5_000);
  let heartbeatMs = 0;
  const hello = frame(codecs.request.serialize({ hello: { agentVersion: 'bench-streams/1', concurrency: m.concurrency, capabilities: [{ className: 'bench', methods: ['noop'] }] } }));
  const sessionOf = (g: Group): http2.ClientHttp2Session => {
    if (g.session && !g.session.destroyed && !g.session.closed) return g.session;
    const session = http2.connect(`http://${m.host}:${m.port}`, { createConnection: () => net.connect({ host: m.host, port: m.port, localAddress: g.localAddress }) });
    session.on('error', () => {}); // each stream on it fails too, and retries
    sessions.push(session);
    g.session = session;
    return session;
  };
  // As an agent does: a stream refused or cut before its welcome tries again after a backoff, until the deadline.
  const retry = (s: Stream, g: Group, agent: { consumerId: string; token: string }, why: string) => {
    if (s.welcomed || s.ended || stopping) return;
    firstError ??= why;
    if (Date.now() > deadline) {
      s.ended = true;
      failed++;
      settle();
      return;
    }
    retries++;
    s.failures++;
    // As agent/agent.ts: full jitter over an exponential backoff from 500 ms, capped at 30 s.
    setTimeout(() => open(s, g, agent), Math.random() * Math.min(30_000, 500 * 2 ** s.failures));
  };
  const open = (s: Stream, g: Group, agent: { consumerId: string; token: string }) => {
    if (stopping || s.ended) return;
    let over = false;
    const giveUp = (why: string) => {
      if (over) return;
      over = true;
      retry(s, g, agent, why);
    };
    const call = sessionOf(g).request({
      ':method': 'POST',
      ':path': '/taskplane.v1.AgentService/Connect',
      'content-type': 'application/grpc',
      te: 'trailers',
      'taskplane-consumer-id': agent.consumerId,
      authorization: `Bearer ${agent.token}`,
    });
    s.call = call;
    const deframer = new Deframer();
    call.on('data', (chunk: Buffer) =>
      deframer.push(chunk, (bytes) => {
        const msg = codecs.response.deserialize(bytes);
        if (msg.welcome) {
          s.welcomed = true;
          welcomed++;
          heartbeatMs ||= Number(msg.welcome.heartbeatIntervalDuration?.seconds ?? 10) * 1000 || 10_000;
          startHeartbeats(heartbeatMs);
          settle();
        } else if (msg.taskRequest && m.mode === 'reply') {
          const taskId: string = msg.taskRequest.taskId;
          // A task sent again (not accepted in time) is not a new arrival for the order check.
          if (!msg.taskRequest.previouslyAccepted && msg.taskRequest.attempt === 1) (received[s.consumerId] ??= []).push(taskId);
          write(s, { accepted: { taskId } });
          write(s, { reply: { taskId, resultJson: '{}' } });
          replies++;
        }
      }),
    );
    call.on('trailers', (trailers) => {
      const status = trailers['grpc-status'];
      if (status !== undefined && status !== '0' && !s.welcomed) giveUp(`grpc-status ${status}: ${decodeURIComponent(String(trailers['grpc-message'] ?? ''))}`);
    });
    call.on('error', (err) => {
      if (!s.welcomed) giveUp(err.message);
    });
    call.on('close', () => {
      if (s.welcomed && !stopping) {
        s.ended = true;
        ended++;
        firstEnd ??= `${s.consumerId}: stream closed (rst code ${call.rstCode})`;
      } else giveUp(`stream closed before its welcome (rst code ${call.rstCode})`);
    });
    call.write(hello);
  };
  for (let c = 0; c * m.streamsPerConnection < m.agents.length; c++) {
    const group: Group = { localAddress: m.localAddresses[c % m.localAddresses.length], session: null };
    for (const agent of m.agents.slice(c * m.streamsPerConnection, (c + 1) * m.streamsPerConnection)) {
      const s: Stream = { consumerId: agent.consumerId, failures: 0, call: null, welcomed: false, ended: false };
      streams.push(s);
      open(s, group, agent);
    }
  }
}

/** One timer for every stream: a heartbeat each interval, as an idle agent sends. */
function startHeartbeats(intervalMs: number): void {
  if (heartbeatTimer) return;
  heartbeatTimer = setInterval(() => {
    const beat = frame(codecs.request.serialize({ heartbeat: { sendTime: { seconds: String(Math.floor(Date.now() / 1000)), nanos: 0 } } }));
    for (const s of streams) if (s.welcomed && !s.ended && s.call && !s.call.destroyed) s.call.write(beat);
  }, intervalMs);
}

function stop(): void {
  stopping = true;
  if (heartbeatTimer) clearInterval(heartbeatTimer);
  for (const s of streams) {
    s.ended = true;
    s.call?.close();
  }
  for (const session of sessions) session.destroy();
  // Let the IPC channel drain, then go.
  setTimeout(() => process.exit(0), 100);
}

process.on('message', (m: StartStreams | { type: 'report' } | { type: 'stop' }) => {
  try {
    if (m.type === 'start') start(m);
    else if (m.type === 'report') send({ type: 'report', received, replies, ended, firstEnd });
    else stop();
  } catch (err) {
    send({ type: 'failed', error: (err as Error)?.stack ?? String(err) });
  }
});
// The parent went away: nothing left to measure for.
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
