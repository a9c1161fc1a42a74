/**
 * Opaque page cursors: the sort key of the last item of a page, tagged with its listing, as
 * base64url JSON. Decoding checks the tag and the key's shape, so a cursor from another listing
 * (or a hand-made one) is refused instead of silently misread.
 */
export type KeyShape = ReadonlyArray<'string' | 'integer'>;

export function encodeCursor(listing: string, key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify([listing, ...key]), 'utf8').toString('base64url');
}

/** The key, or null when the cursor is not one `listing` issued. */
export function decodeCursor(
  listing: string,
  shape: KeyShape,
  cursor: string,
): Array<string | number> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length + 1 || parsed[0] !== listing) {
    return null;
  }
  const key = parsed.slice(1) as unknown[];
  const fits = shape.every((type, i) =>
    type === 'string' ? typeof key[i] === 'string' : Number.isSafeInteger(key[i]),
  );
  return fits ? (key as Array<string | number>) : null;
}

/**
 * The smallest string greater than every string that starts with `prefix`, in code-point order
 * (the last code point incremented, carrying past U+10FFFF and skipping surrogates); undefined
 * when there is none. With it, a prefix filter is an index range on both databases.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0) as number);
  while (points.length > 0) {
    let last = (points.pop() as number) + 1;
    if (last === 0xd800) {
      last = 0xe000;
    }
    if (last <= 0x10ffff) {
      return String.fromCodePoint(...points, last);
    }
  }
  return undefined;
}
