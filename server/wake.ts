/**
 * A level-triggered wake-up: fire() before wait() is not lost, and wait()
 * returns after at most `timeoutMs` even without a fire (the bounded poll
 * that catches changes made by other servers).
 */
export class Wake {
  private pending = false;
  private resolve: (() => void) | null = null;

  fire = (): void => {
    this.pending = true;
    this.resolve?.();
  };

  async wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.pending || signal?.aborted) {
      this.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.resolve = null;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.resolve = done;
    });
    this.pending = false;
  }
}
