import { UsageError } from './exit-codes';

/**
 * Prints results as readable text (default) or JSON (--output json) for
 * scripts. Shared because the client verbs and `taskplane migrate`
 * (server/cli/migrate-command.ts) print their results this way.
 */
export type OutputFormat = 'table' | 'json';

/** --output, else TASKPLANE_OUTPUT, else table. */
export function outputFormat(value: string | undefined): OutputFormat {
  const format = value ?? process.env.TASKPLANE_OUTPUT ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--output must be table or json, not "${format}"`);
  return format;
}

export class Output {
  constructor(
    readonly format: OutputFormat,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
  ) {}

  /** One result: JSON as is, or the text `render` makes of it. */
  result(value: unknown, render: () => string): void {
    this.stdout.write(this.format === 'json' ? `${JSON.stringify(value)}\n` : `${render()}\n`);
  }

  /** One JSON object per line (for streams such as `task watch`), or a line of text. */
  line(value: unknown, text: string): void {
    this.stdout.write(this.format === 'json' ? `${JSON.stringify(value)}\n` : `${text}\n`);
  }

  table(rows: Record<string, string>[], columns: string[]): string {
    const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
    const fmt = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
    return [fmt(columns.map((c) => c.toUpperCase())), ...rows.map((r) => fmt(columns.map((c) => r[c] ?? '')))].join('\n');
  }
}
