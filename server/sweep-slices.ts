/**
 * Safety-net sweeps over every local agent stream (the hub's fence check,
 * the dispatcher's poll) run several times a second. With a few hundred
 * streams each sweep is one or two queries; with 50,000 it is hundreds,
 * several times a second, on a server with nothing to do. A sweep therefore
 * covers at most `size` streams per tick, taking up where the last left
 * off: a full pass over N streams takes ceil(N / size) ticks, and costs the
 * same per tick whatever N. (What the sweeps catch is also fenced in the
 * store: a later check delays only the closing of a stale stream, or the
 * pick-up of work whose wake-up was lost.)
 */
export const DEFAULT_SWEEP_SLICE = 2000;

export class SweepSlices {
  private offset = 0;

  constructor(private readonly size = DEFAULT_SWEEP_SLICE) {}

  /** The next at most `size` of `all`, wrapping around; all of them when they fit. */
  next<T>(all: T[]): T[] {
    if (all.length <= this.size) {
      this.offset = 0;
      return all;
    }
    if (this.offset >= all.length) this.offset = 0;
    const slice = all.slice(this.offset, this.offset + this.size);
    this.offset += this.size;
    return slice;
  }
}
