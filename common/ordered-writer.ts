/** The part of a gRPC stream (server or client side) the writer needs. */
export interface WritableStream<T> {
  write(message: T): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * Writes messages to a stream in order, respecting backpressure: when
 * write() reports a full buffer, later messages wait in a queue until
 * 'drain'. The queue is bounded: a peer that stops reading costs at most
 * `maxQueued` messages of memory, after which `onOverflow` runs once (end
 * the stream; the peer reconnects and anything durable is sent again).
 * Shared because both ends of an agent's stream need exactly this.
 */
export class OrderedWriter<T> {
  private readonly queue: T[] = [];
  private waiting = false;
  private closed = false;

  constructor(
    private readonly stream: WritableStream<T>,
    private readonly maxQueued: number,
    private readonly onOverflow: () => void,
  ) {}

  write(message: T): void {
    if (this.closed) return;
    if (this.waiting) {
      if (this.queue.length >= this.maxQueued) {
        this.close();
        this.onOverflow();
        return;
      }
      this.queue.push(message);
      return;
    }
    if (!this.stream.write(message)) this.waitForDrain();
  }

  /** Messages waiting for the peer to read. */
  get queued(): number {
    return this.queue.length;
  }

  /** Drops what is queued and writes nothing more. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private waitForDrain(): void {
    this.waiting = true;
    this.stream.once('drain', () => this.flush());
  }

  private flush(): void {
    this.waiting = false;
    while (this.queue.length > 0 && !this.closed) {
      if (!this.stream.write(this.queue.shift()!)) {
        this.waitForDrain();
        return;
      }
    }
  }
}
