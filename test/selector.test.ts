import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../server/errors';
import { describeSelector, formatTerm, parseConsumerSelector, parseIdPattern, parseSelectorTerms, selectorFromJson } from '../server/consumers/selector';
import { planWaves, failureReason, tally, validateRolloutPolicy } from '../server/tasks/rollout';
import { isTerminal } from '../server/tasks/states';

describe('consumer selectors', () => {
  it('parses every Kubernetes-style form, ANDing the terms of one entry and of several', () => {
    assert.deepEqual(parseSelectorTerms('s', ['role=web', 'tier==gold', 'zone!=us', 'env in (prod, staging)', 'os notin (bsd)', 'canary', '!drained']), [
      { key: 'role', op: 'in', values: ['web'] },
      { key: 'tier', op: 'in', values: ['gold'] },
      { key: 'zone', op: 'notin', values: ['us'] },
      { key: 'env', op: 'in', values: ['prod', 'staging'] },
      { key: 'os', op: 'notin', values: ['bsd'] },
      { key: 'canary', op: 'exists' },
      { key: 'drained', op: 'absent' },
    ]);
    assert.deepEqual(parseSelectorTerms('s', ['role=web, zone in (eu,us), !canary']), [
      { key: 'role', op: 'in', values: ['web'] },
      { key: 'zone', op: 'in', values: ['eu', 'us'] },
      { key: 'canary', op: 'absent' },
    ]);
  });

  it('refuses what is no term, naming the entry and the term', () => {
    const cases: Array<[string[], string, RegExp]> = [
      [['role in web'], 's[0]', /"role in web" is not a selector term \(k=v, k==v, k!=v, k in \(a,b\), k notin \(a,b\), k or !k\)/],
      [['role=web', '=web'], 's[1]', /"=web" is not a selector term/],
      [['a=b=c'], 's[0]', /"a=b=c" is not a selector term/],
      [['zone in (eu,)'], 's[0]', /"zone in \(eu,\)" has an empty value in its list/],
      [['role=web,'], 's[0]', /"" is not a selector term/],
      [['!'], 's[0]', /"!" is not a selector term/],
    ];
    for (const [entries, field, problem] of cases) {
      assert.throws(() => parseSelectorTerms('s', entries), (err: unknown) => err instanceof InvalidArgumentError && err.field === field && problem.test(err.problem), entries.join(' | '));
    }
    assert.throws(() => parseSelectorTerms('s', Array.from({ length: 33 }, (_, i) => `k${i}=v`)), (err: unknown) => err instanceof InvalidArgumentError && err.field === 's');
  });

  it('takes a consumer id glob of id characters, * and ?', () => {
    assert.equal(parseIdPattern('p', 'web-*'), 'web-*');
    assert.equal(parseIdPattern('p', 'db-?'), 'db-?');
    assert.equal(parseIdPattern('p', ''), null);
    for (const bad of ['WEB-*', 'web %', 'a'.repeat(64)]) {
      assert.throws(() => parseIdPattern('p', bad), (err: unknown) => err instanceof InvalidArgumentError && err.field === 'p', bad);
    }
  });

  it('writes terms back as the user writes them, and reads the older stored {key: value} form', () => {
    const selector = parseConsumerSelector('s', ['role=web', 'zone!=us', 'env in (a,b)', 'os notin (x,y)', 'canary', '!drained'], 'p', 'web-*');
    assert.deepEqual(selector.terms.map(formatTerm), ['role=web', 'zone!=us', 'env in (a,b)', 'os notin (x,y)', 'canary', '!drained']);
    assert.equal(describeSelector(selector), 'role=web, zone!=us, env in (a,b), os notin (x,y), canary, !drained, id web-*');
    assert.deepEqual(selectorFromJson(JSON.stringify(selector)), selector);
    assert.deepEqual(selectorFromJson('{"role":"web"}'), { terms: [{ key: 'role', op: 'in', values: ['web'] }], idPattern: null });
  });
});

describe('rollout plans', () => {
  const policy = (p: Partial<Parameters<typeof validateRolloutPolicy>[1]>) => validateRolloutPolicy('rollout', { canaryCount: 0, waveSize: 0, wavePercent: 0, maxFailurePercent: 0, ...p });

  it('splits a group into the canary, then waves of a count or a percentage, the last one what is left', () => {
    assert.deepEqual(planWaves(10, policy({ canaryCount: 1, waveSize: 3 })), [1, 3, 3, 3]);
    assert.deepEqual(planWaves(10, policy({ canaryCount: 2, wavePercent: 25 })), [2, 3, 3, 2]);
    assert.deepEqual(planWaves(10, policy({ canaryCount: 1 })), [1, 9]);
    assert.deepEqual(planWaves(3, policy({ canaryCount: 5 })), [3]);
    assert.deepEqual(planWaves(7, policy({ waveSize: 4 })), [4, 3]);
    assert.equal(policy({ canaryCount: 1 }).maxFailurePercent, 100, 'no threshold given: pause only when everything settled failed');
  });

  it('pauses at or above the threshold, counting FAILED, TIMED_OUT and EXPIRED against what settled, CANCELED in neither', () => {
    const p = policy({ canaryCount: 1, maxFailurePercent: 30 });
    const t = tally([{ wave: 0, state: 'SUCCEEDED', count: 7 }, { wave: 1, state: 'TIMED_OUT', count: 2 }, { wave: 1, state: 'CANCELED', count: 5 }, { wave: 2, state: 'SCHEDULED', count: 4 }], 1, isTerminal);
    assert.deepEqual(t, { total: 18, succeeded: 7, failed: 2, canceled: 5, held: 4, currentWaveEnded: true });
    assert.equal(failureReason(t, p), null, '2 of 9 is 22%');
    const worse = tally([{ wave: 0, state: 'SUCCEEDED', count: 7 }, { wave: 1, state: 'EXPIRED', count: 3 }, { wave: 1, state: 'RUNNING', count: 1 }], 1, isTerminal);
    assert.equal(worse.currentWaveEnded, false);
    assert.equal(failureReason(worse, p), '3 of 10 settled tasks failed (30%), at or above max_failure_percent 30%');
  });
});
