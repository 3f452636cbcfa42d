/**
 * Case folding of event values for case-insensitive matching. An event is tested by
 * many rules and prefilter scans, each lowercasing the same field strings: the last few
 * strings folded are remembered by identity (one event's values: the prefilter scan of
 * a command line and every candidate rule reading it share one lowercased copy).
 *
 * Nothing outlives that ring. A map of long values kept across events (the previous
 * design) hashed every new long string to look it up, and over the corpus missed
 * five times in six by characters (script blocks, unique command lines); the strings it
 * kept were promoted to the old generation and dropped 4,096 at a time. A one-thread hunt
 * spent ~8% more CPU with it than with plain `toLowerCase` (bench/RESULTS.md, Hunt).
 *
 * @example
 * foldCase('C:\\Windows\\System32\\CMD.EXE') // 'c:\\windows\\system32\\cmd.exe'
 */

/** Strings folded recently, and their folds: a ring of {@link RECENT} slots. */
const RECENT = 8;
const recentRaw: string[] = new Array<string>(RECENT).fill('');
const recentFolded: string[] = new Array<string>(RECENT).fill('');
let next = 0;

/** `s.toLowerCase()`, remembered for the last few strings. */
export function foldCase(s: string): string {
  for (let i = 0; i < RECENT; i++) if (recentRaw[i] === s) return recentFolded[i];
  const lower = s.toLowerCase();
  recentRaw[next] = s;
  recentFolded[next] = lower;
  next = (next + 1) % RECENT;
  return lower;
}
