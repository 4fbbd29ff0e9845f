import assert from 'node:assert/strict';
import { parseTimeText } from '../common/time-text';
import { displayWidth } from '../common/display-width';
import { colourWanted } from '../common/output';

/** The one parser of time flags, the terminal width of text, and when colour is used. */

function ms(text: string, zone?: string): number {
  const parsed = parseTimeText(text, zone);
  if ('error' in parsed) throw new Error(`${text}: ${parsed.error}`);
  return parsed.ms;
}

function refusal(text: string, zone?: string): string {
  const parsed = parseTimeText(text, zone);
  assert.ok('error' in parsed, `${text} should be refused`);
  return parsed.error;
}

describe('time text', function () {
  it('reads RFC 3339 with Z or an offset', function () {
    assert.equal(ms('2026-12-01T02:00:00Z'), Date.UTC(2026, 11, 1, 2));
    assert.equal(ms('2026-12-01T03:00:00+01:00'), Date.UTC(2026, 11, 1, 2));
    assert.equal(ms('2026-12-01T02:00:00.250Z'), Date.UTC(2026, 11, 1, 2, 0, 0, 250));
  });

  it('reads a date alone as midnight, and a date-time without an offset as wall-clock time, in the given zone', function () {
    assert.equal(ms('2026-12-01', 'Europe/Paris'), Date.UTC(2026, 10, 30, 23));
    assert.equal(ms('2026-07-01T12:30', 'Europe/Paris'), Date.UTC(2026, 6, 1, 10, 30));
    assert.equal(ms('2026-12-01', 'Asia/Tokyo'), Date.UTC(2026, 10, 30, 15));
  });

  it('refuses impossible dates and times instead of rolling them over', function () {
    assert.match(refusal('2026-02-30T00:00:00Z'), /2026-02 has 28 days/);
    assert.equal(ms('2028-02-29T00:00:00Z'), Date.UTC(2028, 1, 29), 'a leap day is a date');
    assert.match(refusal('2026-04-31'), /has 30 days/);
    assert.match(refusal('2026-00-10'), /no month 00/);
    assert.match(refusal('2026-01-01T24:00:00Z'), /not a time of day/);
    assert.match(refusal('2026-01-01T10:00:00+25:00'), /no offset/);
    assert.match(refusal('tomorrow'), /is not a time/);
    assert.match(refusal('5'), /is not a time/);
  });

  it('refuses a wall-clock time the zone skips (spring forward)', function () {
    assert.match(refusal('2026-03-29T02:30', 'Europe/Paris'), /does not exist in Europe\/Paris/);
  });
});

describe('display width', function () {
  it('counts wide characters and emoji as two columns, marks as none', function () {
    assert.equal(displayWidth('abc'), 3);
    assert.equal(displayWidth('東京'), 4);
    assert.equal(displayWidth('😀'), 2);
    assert.equal(displayWidth('🖥️'), 2);
    assert.equal(displayWidth('👍🏽'), 2);
    assert.equal(displayWidth('é'), 1, 'e and a combining accent');
  });
});

describe('colour', function () {
  it('is used on a terminal only, and never with NO_COLOR', function () {
    const tty = { isTTY: true } as unknown as NodeJS.WritableStream;
    const pipe = {} as NodeJS.WritableStream;
    assert.equal(colourWanted(tty, {}), true);
    assert.equal(colourWanted(tty, { NO_COLOR: '1' }), false);
    assert.equal(colourWanted(pipe, {}), false);
  });
});
