/**
 * Carving target events out of an exclude block: every exclusion that could match a target
 * (target.ts) gets a `spare` filter ANDed to it (`ParentImage not end with \w3wp.exe`), so
 * it still drops what it dropped, except the targets. Exclude wins over include
 * (shared/specs/windows-events.md §1), so this is the only way to get a target logged past an
 * exclusion; nothing else in the block changes meaning.
 *
 * How filters combine decides how the spare filter is added (§1 "Combining filters"):
 * - a loose filter in an OR block is a rule of its own: it becomes `<Rule groupRelation="and">`
 *   of itself and the spare filter;
 * - the loose filters of an AND block form one rule, (any filter on A) AND (any on B): the
 *   spare filter joins as a loose filter on a new field; if the block already has loose
 *   filters on that field it would be OR'ed with them, so the loose filters are rewritten as
 *   the equivalent `<Rule groupRelation="and">`s, one per combination of one filter per field;
 * - `<Rule groupRelation="and">`: the spare filter is appended (an AND Rule ANDs every child);
 * - `<Rule>` with `or` or no groupRelation: each of its filters is a rule of its own; those
 *   that could match a target move to an AND Rule of their own with the spare filter.
 * Names and comments stay where they were.
 */
import { fieldClauses, type ConfigComment, type ConfigRule, type EventBlock, type FieldFilter, type Relation } from './model.js';
import { andRule } from './build.js';
import { allMayMatch, type Target } from './target.js';

/** Most AND Rules the loose filters of one AND block may be rewritten into. */
export const MAX_COMBINATIONS = 256;

/** A block that cannot be carved without a rewrite too large to be read; the message names the line. */
export class CarveError extends Error {
  override readonly name = 'CarveError';
}

/** A carved block and the lines of the exclusions that were narrowed. */
export interface CarvedBlock {
  readonly block: EventBlock;
  readonly carved: readonly number[];
}

type BlockItem = EventBlock['items'][number];

/** Every way of picking one filter per clause. */
function combinations(clauses: readonly (readonly FieldFilter[])[]): FieldFilter[][] {
  return clauses.reduce<FieldFilter[][]>((acc, clause) => acc.flatMap((combo) => clause.map((f) => [...combo, f])), [[]]);
}

/**
 * The loose filters of an AND block, carved: a spare filter to append after them, or AND
 * Rules to replace them with; null when their rule cannot match a target.
 */
function carveLooseAnd(loose: readonly FieldFilter[], target: Target, spare: FieldFilter, tag: string): { replace: BlockItem[]; append: FieldFilter[]; carved: number[] } | null {
  const clauses = fieldClauses(loose);
  // The rule matches a target only if every clause has a filter that could.
  if (!clauses.every((c) => c.some((f) => allMayMatch([f], target)))) return null;
  const lines = loose.map((f) => f.line);
  if (!clauses.some((c) => c[0]!.field.toLowerCase() === spare.field.toLowerCase())) return { replace: [], append: [spare], carved: lines };
  const count = clauses.reduce((n, c) => n * c.length, 1);
  if (count > MAX_COMBINATIONS) {
    throw new CarveError(`line ${loose[0].line}: the loose filters of this <${tag}> exclude block would become ${count} rules to spare the generated events (more than ${MAX_COMBINATIONS}); move its ${spare.field} filters into <Rule groupRelation="and"> elements first`);
  }
  const replace = combinations(clauses).map((combo) => andRule(allMayMatch(combo, target) ? [...combo, spare] : combo));
  return { replace, append: [], carved: lines };
}

/** An OR Rule split: the filters that cannot match a target stay; the others get the spare filter. */
function carveOrRule(rule: ConfigRule, target: Target, spare: FieldFilter): { items: BlockItem[]; carved: number[] } | null {
  const hits = rule.items.filter((i): i is FieldFilter => i.kind === 'filter' && allMayMatch([i], target));
  if (hits.length === 0) return null;
  const rest = rule.items.filter((i) => !(hits as readonly (FieldFilter | ConfigComment)[]).includes(i));
  const kept: BlockItem[] = rest.some((i) => i.kind === 'filter') ? [{ ...rule, items: rest }] : rest.filter((i): i is ConfigComment => i.kind === 'comment');
  return { items: [...kept, ...hits.map((f) => andRule([f, spare], rule.name))], carved: hits.map((f) => f.line) };
}

/**
 * Narrows every exclusion of `block` that could match a target with `spare`. `relation` is
 * the block's relation for loose filters (simulate.ts blockRelation).
 *
 * @example
 * carveBlock(block, 'or', target, filter('ParentImage', 'not end with', '\\w3wp.exe')).carved // [86, 87, …]
 */
export function carveBlock(block: EventBlock, relation: Relation, target: Target, spare: FieldFilter): CarvedBlock {
  if (block.onmatch !== 'exclude') return { block, carved: [] };
  const carved: number[] = [];
  const items: BlockItem[] = [];
  const loose = block.items.filter((i): i is FieldFilter => i.kind === 'filter');
  const andLoose = relation === 'and' && loose.length > 0 ? carveLooseAnd(loose, target, spare, block.tag) : null;
  if (andLoose) carved.push(...andLoose.carved);
  const lastLoose = loose[loose.length - 1];
  for (const item of block.items) {
    if (item.kind === 'comment') items.push(item);
    else if (item.kind === 'filter') {
      if (relation === 'or') {
        if (allMayMatch([item], target)) { items.push(andRule([item, spare])); carved.push(item.line); } else items.push(item);
      } else if (andLoose === null || andLoose.replace.length === 0) {
        items.push(item);
        if (andLoose !== null && item === lastLoose) items.push(...andLoose.append);
      } else if (item === loose[0]) items.push(...andLoose.replace);
    } else if (item.groupRelation === 'and') {
      const filters = item.items.filter((i): i is FieldFilter => i.kind === 'filter');
      if (filters.length > 0 && allMayMatch(filters, target)) { items.push({ ...item, items: [...item.items, spare] }); carved.push(item.line); } else items.push(item);
    } else {
      const split = carveOrRule(item, target, spare);
      if (split) { items.push(...split.items); carved.push(...split.carved); } else items.push(item);
    }
  }
  return { block: { ...block, items }, carved };
}
