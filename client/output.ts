/** Prints results as readable text (default) or JSON (--output json) for scripts. */
export type OutputFormat = 'table' | 'json';

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
