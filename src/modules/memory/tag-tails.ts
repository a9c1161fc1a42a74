/**
 * The pairs' capacities add up to at most this many leaves (a few MB: a leaf's tags are one array
 * shared by its pairs); the least recently read pairs are dropped first.
 */
export const MAX_CACHED_LEAVES = 65_536;

/** A leaf as the cache sees it: where it is in the log, its kind and its tags. */
export interface TaggedLeaf {
  leafIndex: number;
  kind: string;
  tags: readonly string[];
}

/** The newest leaves of one (kind, tag) pair below the log's size, newest last. */
interface Tail {
  /** How many newest leaves the tail holds (fewer only when the log has no more). */
  readonly capacity: number;
  readonly tags: Array<readonly string[]>;
}

/**
 * The tags of the newest leaves of recently read (kind, tag) pairs, kept current by the SQLite
 * log writer as it commits, so a read such as the conscience's precedent ("the latest N
 * decisions on this subject") is a lookup instead of an index range joined to N rows.
 *
 * It answers exactly as the database would, or not at all:
 * - A tail is filled from the database (`fill`) and then extended by every commit of the one
 *   writer on this connection (`appended`, called synchronously after the commit: better-sqlite3
 *   is synchronous, so no read runs in between). The log is append-only and forgetting keeps a
 *   leaf's tags, so nothing else changes what a tail holds.
 * - `through` is the log size the cache has seen every append up to. A read gives the size it
 *   read from the database; any other size (another process appended, a commit this cache did
 *   not see) empties the cache, and the read goes to the database.
 * It assumes committed rows are not edited behind the service's back: a row whose tags were
 * changed in place (tampering, which the integrity check reports) is seen by the database read
 * but not by a tail that already held it, until the process restarts or the log grows elsewhere.
 */
export class TagTails {
  /** Map order is recency of use: the first entry is the least recently read. */
  private readonly tails = new Map<string, Tail>();
  private through: number | null = null;
  /** The tails' capacities summed: what they may hold (a leaf in several tails counts in each). */
  private reserved = 0;

  constructor(private readonly maxLeaves = MAX_CACHED_LEAVES) {}

  /** The tags of the newest `limit` leaves of the pair below `treeSize`, newest first; undefined when not known. */
  get(
    kind: string,
    tag: string,
    limit: number,
    treeSize: number,
  ): Array<readonly string[]> | undefined {
    if (!this.at(treeSize) || !isCount(limit)) {
      return undefined;
    }
    const key = tailKey(kind, tag);
    const tail = this.tails.get(key);
    if (!tail || limit > tail.capacity) {
      return undefined;
    }
    this.tails.delete(key);
    this.tails.set(key, tail);
    const newest = tail.tags.slice(-limit);
    return newest.reverse();
  }

  /**
   * Keeps what the database answered for the pair at `treeSize`: the tags of its newest leaves,
   * newest first, having asked for at most `capacity` of them.
   */
  fill(
    kind: string,
    tag: string,
    capacity: number,
    newestFirst: ReadonlyArray<readonly string[]>,
    treeSize: number,
  ): void {
    if (
      !this.at(treeSize) ||
      !isCount(capacity) ||
      newestFirst.length > capacity ||
      capacity > this.maxLeaves
    ) {
      return;
    }
    const key = tailKey(kind, tag);
    this.drop(key);
    this.tails.set(key, {
      capacity,
      tags: newestFirst.map((tags) => Object.freeze(tags)).reverse(),
    });
    this.reserved += capacity;
    for (const oldest of this.tails.keys()) {
      if (this.reserved <= this.maxLeaves) {
        break;
      }
      this.drop(oldest);
    }
  }

  /**
   * The read through the cache: the pair's newest tags at `treeSize` from the tails, else from
   * `load` (the database's answer, newest first), which is then kept for the next read.
   */
  latest(
    kind: string,
    tag: string,
    limit: number,
    treeSize: number,
    load: () => Array<readonly string[]>,
  ): Array<readonly string[]> {
    const cached = this.get(kind, tag, limit, treeSize);
    if (cached) {
      return cached;
    }
    const loaded = load();
    this.fill(kind, tag, limit, loaded, treeSize);
    return loaded;
  }

  /** A commit on this connection: `leaves` in leaf order, the log's size after it. */
  appended(leaves: readonly TaggedLeaf[], treeSize: number): void {
    if (this.through === null || leaves.length === 0 || leaves[0].leafIndex !== this.through) {
      this.reset(treeSize);
      return;
    }
    for (const leaf of leaves) {
      // Held by the tails and still the caller's: frozen, as fill() freezes what it keeps.
      const tags = Object.freeze(leaf.tags);
      for (const tag of tags) {
        const tail = this.tails.get(tailKey(leaf.kind, tag));
        if (tail) {
          tail.tags.push(tags);
          if (tail.tags.length > tail.capacity) {
            tail.tags.shift();
          }
        }
      }
    }
    this.through = treeSize;
  }

  /** How many pairs are kept, and how many leaves they may hold in all (for tests and diagnostics). */
  get size(): { pairs: number; reserved: number } {
    return { pairs: this.tails.size, reserved: this.reserved };
  }

  /** True when the cache has seen every append up to `treeSize`; else starts over from it. */
  private at(treeSize: number): boolean {
    if (this.through === treeSize) {
      return true;
    }
    this.reset(treeSize);
    return false;
  }

  /** Forgets everything: the next read of any pair goes to the database. */
  clear(): void {
    this.reset(null);
  }

  private reset(treeSize: number | null): void {
    this.tails.clear();
    this.reserved = 0;
    this.through = treeSize;
  }

  private drop(key: string): void {
    const tail = this.tails.get(key);
    if (tail) {
      this.reserved -= tail.capacity;
      this.tails.delete(key);
    }
  }
}

const byConnection = new WeakMap<object, TagTails>();

/** The cache of one SQLite connection, shared by its log writer (which extends it) and its readers. */
export function tagTailsOf(connection: object): TagTails {
  let tails = byConnection.get(connection);
  if (!tails) {
    tails = new TagTails();
    byConnection.set(connection, tails);
  }
  return tails;
}

/** A limit SQL and the cache read alike (LIMIT 0, a negative or a fractional one do not). */
function isCount(limit: number): boolean {
  return Number.isInteger(limit) && limit > 0;
}

function tailKey(kind: string, tag: string): string {
  return `${kind}\u0000${tag}`;
}
