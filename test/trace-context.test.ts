import assert from 'node:assert/strict';
import { newTraceparent, traceIdOf, traceparentProblem } from '../common/trace-context';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('W3C traceparent', () => {
  it('accepts version 00 with its four fields, and a later version with more fields after its flags', () => {
    assert.equal(traceparentProblem(VALID), null);
    assert.equal(traceparentProblem('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'), null);
    assert.equal(traceparentProblem('cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), null);
    assert.equal(traceparentProblem('cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-brings'), null);
  });

  it('refuses what the specification calls invalid, saying what is wrong', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /version-traceid-parentid-flags/],
      ['not a trace', /version-traceid-parentid-flags/],
      [VALID.toUpperCase(), /lower-case hex/],
      ['00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', /2-32-16-2/],
      ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', /version ff/],
      [`${VALID}-extra`, /exactly 55/],
      ['cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x', /"-" separator/],
      ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', /all-zero trace id/],
      ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', /all-zero parent id/],
      [`cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-${'x'.repeat(100)}`, /longer than 128/],
    ];
    for (const [value, problem] of cases) assert.match(traceparentProblem(value) ?? 'accepted', problem, value);
  });

  it('makes new traces that are valid and distinct, and reads their trace id', () => {
    const a = newTraceparent();
    const b = newTraceparent();
    assert.equal(traceparentProblem(a), null);
    assert.notEqual(traceIdOf(a), traceIdOf(b));
    assert.equal(traceIdOf(VALID), '4bf92f3577b34da6a3ce929d0e0e4736');
  });
});
