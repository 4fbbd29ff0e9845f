/**
 * How many terminal columns text takes: East Asian wide and fullwidth
 * characters and emoji two, combining marks and joiners none (counted per
 * grapheme, so "👍🏽" or a ZWJ family is one emoji). Written here instead of
 * taking `string-width`: its maintained versions are ES modules, which this
 * CommonJS build cannot require, and Intl.Segmenter plus Unicode property
 * escapes cover what tables need. Shared for common/output.ts's tables.
 */

// East Asian Width W and F ranges (UAX #11), the blocks CLI text meets.
const WIDE_RANGES: Array<[number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F/u;
const ZERO_WIDTH = /^(?:\p{Mark}|\p{Control}|\p{Format})+$/u;
const STYLE_CODES = /\u001b\[[0-9;]*m/g;

// Made on first use: a command that prints no table never pays for it.
let segmenter: Intl.Segmenter | null = null;

function isWide(codePoint: number): boolean {
  return WIDE_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to);
}

export function displayWidth(text: string): number {
  let width = 0;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(text)) {
    if (ZERO_WIDTH.test(segment)) continue;
    width += EMOJI.test(segment) || isWide(segment.codePointAt(0)!) ? 2 : 1;
  }
  return width;
}

/** Text without the ANSI colour codes Output.paint adds. */
export function stripStyles(text: string): string {
  return text.replace(STYLE_CODES, '');
}
