/**
 * Case folding of event values for case-insensitive matching. An event is tested by
 * many rules and prefilter scans, each lowercasing the same field strings: the last few
 * strings folded are remembered by identity (one event's values: the prefilter scan of
 * a command line and every candidate rule reading it share one lowercased copy), and
 * long strings also in a map that outlives the event (V8 keeps a string's hash in the
 * string, so looking a long value up again costs one hash of it; the same command lines
 * and paths recur across events). Short strings missing the recent ones are lowercased
 * directly (cheaper than a map lookup).
 *
 * @example
 * foldCase('C:\\Windows\\System32\\CMD.EXE') // 'c:\\windows\\system32\\cmd.exe'
 */

const SHORT = 24;
const MAX_ENTRIES = 4096;
let cache = new Map<string, string>();

/** Strings folded recently, and their folds: a ring of {@link RECENT} slots. */
const RECENT = 8;
const recentRaw: string[] = new Array<string>(RECENT).fill('');
const recentFolded: string[] = new Array<string>(RECENT).fill('');
let next = 0;

/** `s.toLowerCase()`, cached. */
export function foldCase(s: string): string {
  for (let i = 0; i < RECENT; i++) if (recentRaw[i] === s) return recentFolded[i];
  let lower: string | undefined;
  if (s.length < SHORT) lower = s.toLowerCase();
  else {
    lower = cache.get(s);
    if (lower === undefined) {
      lower = s.toLowerCase();
      if (cache.size >= MAX_ENTRIES) cache = new Map();
      cache.set(s, lower);
    }
  }
  recentRaw[next] = s;
  recentFolded[next] = lower;
  next = (next + 1) % RECENT;
  return lower;
}
