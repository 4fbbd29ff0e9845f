/**
 * Bounds the agent streams being admitted at once (authenticated, taken
 * over in the store, welcomed). Each admission costs a few queries: 50,000
 * agents reconnecting together would otherwise queue far more database work
 * than the pool serves before its acquire timeout, nearly every admission
 * would fail, and the agents' retries would keep the storm going. Admitted
 * in turn instead, each stream costs what it costs; past `maxWaiting`, a
 * stream is refused at once and its agent comes back after its backoff.
 */
export class AdmissionGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly maxActive = 64,
    readonly maxWaiting = 4096,
  ) {}

  /** How many streams wait for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with the function that ends this admission (call it once done, whatever happened), or null: refused. */
  async enter(): Promise<(() => void) | null> {
    if (this.active < this.maxActive) {
      this.active++;
      return this.exit();
    }
    if (this.waiting.length >= this.maxWaiting) return null;
    // The place of the admission that ends is handed on, so `active` is unchanged.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.exit();
  }

  private exit(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
