/**
 * Loaded by mocha before every run (package.json "mocha.require"): a promise
 * rejection that nobody handles fails the test during which it happened,
 * instead of passing unseen (or, in a server process, ending it). In
 * production such a rejection would take the whole process down, so the
 * suite treats one as a failure of the code under test.
 */
const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(reason));

function assertNone(when: string): void {
  if (unhandled.length === 0) return;
  const reasons = unhandled.splice(0).map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : String(r)));
  throw new Error(`unhandled promise rejection(s) ${when}: ${reasons.join('; ')}`);
}

export const mochaHooks = {
  afterEach(): void {
    assertNone('during this test');
  },
  afterAll(): void {
    assertNone('after the last test');
  },
};
