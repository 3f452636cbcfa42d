/**
 * The Logpresso recipe for Windows messages (spec query-language.md "Acceptance queries"):
 *
 *   eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\n", "`")
 *   | parsekv overlay=t pairdelim="`" kvdelim=": "
 *
 * A rendered Sysmon message yields, through it, the event's own fields as text. At import
 * the store records per row for which fields that does not hold exactly
 * ({@link recipeExceptions}: the `_line_kv` column), and SQL pushdown recognizes the
 * recipe's commands ({@link isRecipeEval}, {@link isRecipeParsekv}) so that, on flagged
 * rows, the fields parsekv would set are read from their typed columns instead of
 * splitting `line` (sql/pushdown.ts; README "Query pushdown"). The check runs the same JS
 * the operator pipeline runs (exec/expr.ts compileExpr, exec/transform.ts parsePairs), so
 * a flag means "the JS pipeline would set exactly these values".
 */
import type { Command, EvalCommand, ParsekvCommand } from './ast.js';
import { compileExpr } from './exec/expr.js';
import { parsePairs } from './exec/transform.js';
import { parseQuery } from './parser.js';
import { newRow, type Value } from './value.js';

/**
 * The store's per-row recipe flag column (VARCHAR, {@link recipeExceptions}; NULL: no
 * promise, every field takes the general path). A store never shows it as a row field or
 * a table column.
 */
export const LINE_KV_COLUMN = '_line_kv';

const RECIPE = parseQuery('table t | eval line = substr(line, indexof(line, ":") + 3), line = replace(line, "\\n", "`") | parsekv overlay=t pairdelim="`" kvdelim=": "').commands;
const RECIPE_EVAL = RECIPE[1] as EvalCommand;
const RECIPE_PARSEKV = RECIPE[2] as ParsekvCommand;

/** Deep equality of two AST nodes, source positions (`span`) ignored. */
function sameAst(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => k !== 'span');
  const kb = Object.keys(b).filter((k) => k !== 'span');
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameAst((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** True when `cmd` is the recipe's `eval` exactly (same assignments, same expressions). */
export function isRecipeEval(cmd: Command): cmd is EvalCommand {
  return cmd.kind === 'eval' && sameAst(cmd, RECIPE_EVAL);
}

/** True when `cmd` is the recipe's `parsekv` exactly (field `line`, overlay, backtick and `: `). */
export function isRecipeParsekv(cmd: Command): cmd is ParsekvCommand {
  return cmd.kind === 'parsekv' && sameAst(cmd, RECIPE_PARSEKV);
}

const NOW = { now: new Date(0) };
const STEPS = RECIPE_EVAL.assignments.map((a) => ({ field: a.field, value: compileExpr(a.expr, NOW) }));

/** The pairs parsekv splits from `line` after the recipe's eval, as the JS pipeline computes them; null when it parses nothing. */
export function recipePairs(line: string): Array<[string, string | null]> | null {
  // The eval command's loop (exec/transform.ts evalCommand) over a row holding only `line`:
  // the recipe's expressions read nothing else.
  const row = newRow();
  row['line'] = line;
  for (const s of STEPS) row[s.field] = s.value(row);
  const v = row[RECIPE_PARSEKV.field] ?? null;
  return typeof v === 'string' ? parsePairs(v, RECIPE_PARSEKV.pairdelim, RECIPE_PARSEKV.kvdelim) : null;
}

/**
 * What {@link recipePairs} gives, as the last value per key (overlay writes later keys last),
 * computed directly from `line`: the recipe's eval keeps what follows the first `:` and two
 * more characters (substr is null when that is past the end; indexof's -1 makes it 2), its
 * replace turns `\n` into the pair delimiter, so pairs are the stretches between `\n` and
 * `` ` `` characters, each trimmed of chars <= U+0020 as parsekv does, split at the first
 * `: `. Runs at import for every event (line-recipe.test.ts holds it equal to
 * {@link recipePairs} on the corpus and on generated edge cases); the pipeline's own
 * expressions cost about twice as much there.
 */
export function recipeLastValues(line: string): Map<string, string | null> | null {
  const begin = line.indexOf(':') + 3;
  const len = line.length;
  if (begin >= len) return null;
  const last = new Map<string, string | null>();
  let nextNewline = line.indexOf('\n', begin);
  let nextBacktick = line.indexOf('`', begin);
  let nextSeparator = line.indexOf(': ', begin);
  let pos = begin;
  while (pos <= len) {
    if (nextNewline !== -1 && nextNewline < pos) nextNewline = line.indexOf('\n', pos);
    if (nextBacktick !== -1 && nextBacktick < pos) nextBacktick = line.indexOf('`', pos);
    let end = len;
    if (nextNewline !== -1 && nextNewline < end) end = nextNewline;
    if (nextBacktick !== -1 && nextBacktick < end) end = nextBacktick;
    let a = pos;
    let b = end;
    while (a < b && line.charCodeAt(a) <= 0x20) a++;
    while (b > a && line.charCodeAt(b - 1) <= 0x20) b--;
    if (a < b) {
      if (nextSeparator !== -1 && nextSeparator < a) nextSeparator = line.indexOf(': ', a);
      const at = nextSeparator;
      // Map#set keeps a repeated key where it first came, as the pairs loop did.
      if (at === -1 || at + 2 > b) last.set(line.slice(a, b), null);
      else last.set(line.slice(a, at), line.slice(at + 2, b));
    }
    pos = end + 1;
  }
  return last;
}

/** Past this many differing fields a row is not flagged: its `line` is not a rendering of its fields. */
const MAX_EXCEPTIONS = 8;

/** The text the store gives back for a data value in SQL (see sql/dialect.ts integerText, booleanText); undefined for other values. */
function storedText(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** A field's name as it appears in the flag: its JSON text (see {@link recipeExceptions}). */
export function exceptionName(name: string): string {
  return JSON.stringify(name);
}

/**
 * The recipe flag of a row (the value of {@link LINE_KV_COLUMN}): the names of the fields
 * for which the recipe over `line` does not set exactly what the row's own columns hold,
 * each as its JSON text, concatenated ('' when there are none); null when the recipe
 * yields nothing or `line` is not a rendering of the fields at all (more than a few
 * differ, or the store would change it: lone surrogates, NUL).
 *
 * The promise pushdown relies on: for every name `k` whose JSON text does not occur in the
 * flag, `k` is a key of the recipe's pairs exactly when `data[k]` is not null, and then the
 * last pair keyed `k` (overlay writes later keys last) holds the value's text (a string
 * itself, a safe integer or boolean as JS prints it). A name whose JSON text occurs in the
 * flag takes the general path (splitting `line`), so a spurious match only costs time.
 * Fields the store keeps outside their own column are added by the caller.
 *
 * @example
 * recipeExceptions('Process Create:\r\nImage: C:\\a.exe\r\nLogonId: 0x3E7', { Image: 'C:\\a.exe', LogonId: '0x3e7' }) // '"LogonId"'
 */
export function recipeExceptions(line: string, data: Readonly<Record<string, Value | undefined>>): string | null {
  if (line.includes('\0') || !(line as unknown as { isWellFormed(): boolean }).isWellFormed()) return null;
  const last = recipeLastValues(line);
  if (last === null) return null;
  const differ: string[] = [];
  for (const k in data) {
    const v = data[k];
    if (v === null || v === undefined) continue;
    const parsed = last.get(k);
    last.delete(k);
    if ((parsed === undefined || parsed === null || parsed !== storedText(v)) && differ.push(k) > MAX_EXCEPTIONS) return null;
  }
  // Keys the row has no field for.
  for (const k of last.keys()) if (differ.push(k) > MAX_EXCEPTIONS) return null;
  return differ.map(exceptionName).join('');
}
