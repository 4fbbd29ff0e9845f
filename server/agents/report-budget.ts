/**
 * A token bucket: how many reports a stream may send, so that one agent
 * flooding its stream costs only its own connection. It holds `burst`
 * reports and refills `perSecond`; a legitimate agent sends a few per task
 * and never comes near it.
 */
export class ReportBudget {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Spends one report; false when the budget is exhausted. */
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
