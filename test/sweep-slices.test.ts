import assert from 'node:assert/strict';
import { SweepSlices } from '../server/sweep-slices';

describe('SweepSlices: a sweep over many streams a slice per tick', () => {
  it('returns everything at once when it fits in a slice', () => {
    const sweep = new SweepSlices(3);
    assert.deepEqual(sweep.next([1, 2, 3]), [1, 2, 3]);
    assert.deepEqual(sweep.next([1, 2, 3]), [1, 2, 3]);
  });

  it('covers every item within ceil(n / size) ticks, then starts over', () => {
    const sweep = new SweepSlices(2);
    const all = [1, 2, 3, 4, 5];
    assert.deepEqual([sweep.next(all), sweep.next(all), sweep.next(all)], [[1, 2], [3, 4], [5]]);
    assert.deepEqual(sweep.next(all), [1, 2]);
  });

  it('keeps going when the set shrinks under its position', () => {
    const sweep = new SweepSlices(2);
    sweep.next([1, 2, 3, 4, 5]);
    sweep.next([1, 2, 3, 4, 5]);
    assert.deepEqual(sweep.next([1, 2, 3]), [1, 2]);
  });
});
