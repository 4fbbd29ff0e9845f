import { UsageError } from './exit-codes';
import { listEntriesJson, toProtoJson } from './proto-json';
import { displayWidth, stripStyles } from './display-width';

/**
 * Prints results as readable text (default) or for scripts: `json`, one
 * object per result in the proto3 JSON mapping (common/proto-json.ts), and
 * `jsonl`, one object per line: each entry of a list, each event of a watch.
 * Shared because the client verbs and `taskplane migrate`
 * (server/cli/migrate-command.ts) print their results this way.
 *
 * A command prints an API response with `result(response, render)` (or
 * `line` for each message of a stream): the response keeps the type the
 * client tagged it with (client/client.ts), so the JSON follows the mapping
 * without the command doing anything.
 */
export const OUTPUT_FORMATS = ['table', 'json', 'jsonl'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** --output, else TASKPLANE_OUTPUT, else table. */
export function outputFormat(value: string | undefined): OutputFormat {
  const format = value ?? process.env.TASKPLANE_OUTPUT ?? 'table';
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--output must be table, json or jsonl, not "${format}"`);
  return format as OutputFormat;
}

/** Colour only for a person at a terminal: never into a pipe or file, never when NO_COLOR is set (no-color.org). */
export function colourWanted(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean((stream as { isTTY?: boolean }).isTTY) && !env.NO_COLOR;
}

const STYLES = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof STYLES;

export class Output {
  readonly colour: boolean;

  constructor(
    readonly format: OutputFormat,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    colour?: boolean,
  ) {
    this.colour = colour ?? colourWanted(stdout);
  }

  /** For scripts (json or jsonl): a person's notes then go to stderr. */
  get machine(): boolean {
    return this.format !== 'table';
  }

  /** One result: as proto3 JSON (jsonl: each entry of a list on its own line), or the text `render` makes of it. */
  result(value: unknown, render: () => string): void {
    if (this.format === 'jsonl') {
      const entries = listEntriesJson(value);
      if (entries) {
        for (const entry of entries) this.stdout.write(`${JSON.stringify(entry)}\n`);
        return;
      }
    }
    this.stdout.write(this.machine ? `${JSON.stringify(toProtoJson(value))}\n` : `${render()}\n`);
  }

  /** One message of a stream (e.g. `task watch`): a line of JSON, or a line of text. */
  line(value: unknown, text: string): void {
    this.stdout.write(this.machine ? `${JSON.stringify(toProtoJson(value))}\n` : `${text}\n`);
  }

  /** `text` in `style` on a colour terminal, else as is. */
  paint(text: string, style: Style): string {
    if (!this.colour || !text) return text;
    const [on, off] = STYLES[style];
    return `\u001b[${on}m${text}\u001b[${off}m`;
  }

  /** Columns aligned by what a terminal shows: wide (CJK) characters and emoji take two columns, colour none. */
  table(rows: Record<string, string>[], columns: string[]): string {
    const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => displayWidth(stripStyles(r[c] ?? '')))));
    const pad = (cell: string, width: number) => cell + ' '.repeat(Math.max(0, width - displayWidth(stripStyles(cell))));
    const fmt = (cells: string[]) => cells.map((cell, i) => pad(cell, widths[i])).join('  ').trimEnd();
    const header = fmt(columns.map((c) => c.toUpperCase()));
    return [this.paint(header, 'bold'), ...rows.map((r) => fmt(columns.map((c) => r[c] ?? '')))].join('\n');
  }
}
