import type { Database } from '../../server/store/database';

/** Every index on tasks, as "name [unique] (col, col)", sorted, read from the store's own catalogue. */
export async function taskIndexes(db: Database): Promise<string[]> {
  const rows: Array<{ name: string; is_unique: number | string; col: string }> =
    db.dialect === 'sqlite'
      ? await db.knex.raw(
          `SELECT il.name AS name, il."unique" AS is_unique, ii.name AS col
             FROM pragma_index_list('tasks') il JOIN pragma_index_info(il.name) ii
            ORDER BY il.name, ii.seqno`,
        )
      : (
          await db.knex.raw(
            `SELECT index_name AS name, 1 - non_unique AS is_unique, column_name AS col
               FROM information_schema.statistics
              WHERE table_schema = DATABASE() AND table_name = 'tasks' AND index_name <> 'PRIMARY'
              ORDER BY index_name, seq_in_index`,
          )
        )[0];
  const byName = new Map<string, { unique: boolean; cols: string[] }>();
  for (const r of rows) {
    const entry = byName.get(r.name) ?? { unique: Number(r.is_unique) === 1, cols: [] };
    entry.cols.push(r.col);
    byName.set(r.name, entry);
  }
  return [...byName].map(([name, i]) => `${name}${i.unique ? ' unique' : ''} (${i.cols.join(', ')})`).sort();
}
