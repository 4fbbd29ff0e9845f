import * as grpc from '@grpc/grpc-js';
import { loadTaskplaneProtos } from '../../protos/loader';
import type { ConnectRequest } from '../../protos/generated/taskplane/v1/ConnectRequest';
import type { ConnectResponse__Output } from '../../protos/generated/taskplane/v1/ConnectResponse';

/**
 * A hand-driven agent on a real AgentService.Connect stream, for tests that
 * need to send exactly the messages a buggy, malicious or half-dead agent
 * would. Messages from the server are queued and awaited with a deadline.
 */
export class FakeAgent {
  private readonly client: grpc.Client & Record<string, any>;
  private readonly stream: grpc.ClientDuplexStream<ConnectRequest, ConnectResponse__Output>;
  private readonly inbox: ConnectResponse__Output[] = [];
  private waiters: Array<() => void> = [];
  ended: grpc.StatusObject | null = null;

  constructor(
    address: string,
    consumerId: string | null,
    credential: string | null,
    hello: { concurrency?: number; methods?: string[] } | null = {},
    /** TLS, for a server that serves it (default: plaintext). */
    channelCredentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
  ) {
    const protos = loadTaskplaneProtos();
    this.client = new protos.taskplane.v1.AgentService(address, channelCredentials, { 'grpc.use_local_subchannel_pool': 1 }) as any;
    const metadata = new grpc.Metadata();
    if (consumerId !== null) metadata.set('taskplane-consumer-id', consumerId);
    if (credential !== null) metadata.set('authorization', `Bearer ${credential}`);
    this.stream = this.client.connect(metadata);
    this.stream.on('data', (m: ConnectResponse__Output) => {
      this.inbox.push(m);
      this.wake();
    });
    this.stream.on('status', (s: grpc.StatusObject) => {
      this.ended = s;
      this.wake();
    });
    this.stream.on('error', () => {});
    if (hello) {
      const methods = hello.methods ?? ['packages.install', 'packages.update', 'testing.echo'];
      const byClass = new Map<string, string[]>();
      for (const m of methods) {
        const [c, n] = m.split('.');
        byClass.set(c, [...(byClass.get(c) ?? []), n]);
      }
      this.send({ hello: { agentVersion: 'fake/1', concurrency: hello.concurrency ?? 1, capabilities: [...byClass].map(([className, ms]) => ({ className, methods: ms })) } });
    }
  }

  send(message: ConnectRequest): void {
    this.stream.write(message);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The next server message matching `predicate` (others before it are dropped), within `deadlineMs`. */
  async next(what: string, predicate: (m: ConnectResponse__Output) => boolean = () => true, deadlineMs = 10_000): Promise<ConnectResponse__Output> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      while (this.inbox.length) {
        const m = this.inbox.shift()!;
        if (predicate(m)) return m;
      }
      if (this.ended) throw new Error(`stream ended (${grpc.status[this.ended.code]}: ${this.ended.details}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  taskRequest(deadlineMs?: number) {
    return this.next('a task request', (m) => Boolean(m.taskRequest), deadlineMs).then((m) => m.taskRequest!);
  }

  /** Resolves with the final status once the server ends the stream. */
  async closed(deadlineMs = 10_000): Promise<grpc.StatusObject> {
    const deadline = Date.now() + deadlineMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the stream to end');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.ended;
  }

  /** Messages received and not yet consumed by next(). */
  pending(): ConnectResponse__Output[] {
    return [...this.inbox];
  }

  /** Stops reading the server's messages, as a stalled or malicious agent would: HTTP/2 flow control then backs up on the server. */
  stopReading(): void {
    this.stream.pause();
  }

  resumeReading(): void {
    this.stream.resume();
  }

  close(): void {
    this.stream.cancel();
    this.client.close();
  }
}
