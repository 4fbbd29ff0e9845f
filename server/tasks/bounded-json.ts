/**
 * JSON of at most `maxBytes`: when `json` is larger, its longest arrays are
 * halved (their first entries kept, and `<key>_count` set beside each one
 * cut in an object) until it fits, and `truncated: true` is set at the top.
 * What still does not fit becomes {"truncated": true, "bytes": N}. Used for
 * what a success hook writes to history, so that one huge result (a
 * thousand changed packages) still settles its task, with what fits.
 */
export function fitJson(json: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(json);
  if (bytes <= maxBytes) return json;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return JSON.stringify({ truncated: true, bytes });
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const root = value as Record<string, unknown>;
    for (let round = 0; round < 64; round++) {
      const longest = longestArray(root);
      if (!longest || longest.array.length <= 1) break;
      const { holder, key, array } = longest;
      if (!Array.isArray(holder) && holder[`${key}_count`] === undefined) holder[`${key}_count`] = array.length;
      (holder as Record<string | number, unknown>)[key] = array.slice(0, Math.floor(array.length / 2));
      root.truncated = true;
      const fitted = JSON.stringify(root);
      if (Buffer.byteLength(fitted) <= maxBytes) return fitted;
    }
  }
  return JSON.stringify({ truncated: true, bytes });
}

type Holder = Record<string, unknown> | unknown[];

function longestArray(value: unknown): { holder: Holder; key: string; array: unknown[] } | null {
  let best: { holder: Holder; key: string; array: unknown[] } | null = null;
  const visit = (holder: Holder) => {
    for (const [key, child] of Object.entries(holder)) {
      if (Array.isArray(child)) {
        if (!best || child.length > best.array.length) best = { holder, key, array: child };
        visit(child);
      } else if (child && typeof child === 'object') visit(child as Record<string, unknown>);
    }
  };
  if (value && typeof value === 'object') visit(value as Holder);
  return best;
}
