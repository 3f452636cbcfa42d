/**
 * Sigma YAML text → documents (rules spec "File Structure", filters spec, correlation
 * spec): each YAML document becomes a detection rule, a correlation rule or a filter, or
 * problems that say precisely what is wrong and where (file, 1-based line and column,
 * from the YAML node ranges). A bad document never stops the others; only documents
 * without problems are returned, so every returned document can be compiled (except
 * for `expand` placeholders, which are known only at compile time).
 *
 * Checked here: YAML syntax, title, logsource, the detection/filter section shape,
 * field keys (unknown modifiers, combinations that make no sense, values a modifier
 * cannot take, regexes JS cannot run, CIDR syntax), conditions (syntax and references
 * to existing search identifiers), level.
 *
 * @example
 * const { documents, problems } = parseSigmaText(readFileSync(f, 'utf8'), f);
 * problems[0]?.message // "unknown modifier 'containz' in 'CommandLine|containz' (line 12, col 9); known: contains, …"
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { LEVELS, type Level, type LogSource, type RuleLocation, type RuleMeta, type RuleProblem } from '../types.js';
import { ConditionError, conditionReferences, parseCondition } from './condition.js';
import { MODIFIERS, SigmaCompileError, type ConditionText, type FieldMatch, type Modifier, type Selection, type SigmaDocument, type SigmaScalar } from './model.js';
import { KNOWN_MODIFIERS, MODIFIER_ALIASES, planFieldMatch } from './modifiers.js';

/** Placeholder values that accept any name: the parser checks values, not placeholder names. */
const ANY_PLACEHOLDER: Readonly<Record<string, readonly string[]>> = new Proxy({}, { get: () => ['placeholder'] });

/** Thrown inside one document's parse; becomes a problem and drops that document. */
class DocumentProblem extends Error {
  constructor(message: string, readonly at: RuleLocation) { super(message); }
}

/**
 * Parses every YAML document of a Sigma file.
 *
 * @example
 * parseSigmaText('title: t\nlogsource: {product: windows}\ndetection: {sel: {Image: x}, condition: sel}\n', 'a.yml')
 * // { documents: [{ kind: 'detection', meta: { title: 't', … }, logsource: { product: 'windows' }, detection: … }], problems: [] }
 */
export function parseSigmaText(text: string, file: string): { documents: SigmaDocument[]; problems: RuleProblem[] } {
  const lineCounter = new LineCounter();
  const documents: SigmaDocument[] = [];
  const problems: RuleProblem[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const docs = Array.isArray(parsed) ? parsed : [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        const pos = lineCounter.linePos(err.pos[0]);
        const where = ` (line ${pos.line}, col ${pos.col})`;
        problems.push({ file, line: pos.line, column: pos.col, message: `YAML: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}${where}` });
      }
      continue;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    const reader = new DocumentReader(doc, file, lineCounter);
    try {
      const result = reader.read();
      if (reader.problems.length === 0) documents.push(result);
    } catch (e) {
      if (!(e instanceof DocumentProblem)) throw e;
      reader.report(e.message, e.at);
    }
    problems.push(...reader.problems);
  }
  return { documents, problems };
}

/** Reads one YAML document; collects problems so that several are reported at once. */
class DocumentReader {
  readonly problems: RuleProblem[] = [];
  private ruleName: string | undefined;

  constructor(private readonly doc: Document, private readonly file: string, private readonly lines: LineCounter) {}

  /** The location of a node (or of an offset inside it). */
  at(node: Node | Pair | null | undefined, offset = 0): RuleLocation {
    const range = node && 'range' in node ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
    if (!range) return { file: this.file };
    const pos = this.lines.linePos(range[0] + offset);
    return { file: this.file, line: pos.line, column: pos.col };
  }

  /** Records a problem; the message gets the position, then `suffix` (e.g. the known names). */
  report(message: string, at: RuleLocation, suffix = ''): void {
    const where = at.line ? ` (line ${at.line}, col ${at.column})` : '';
    this.problems.push({ ...at, message: `${message}${where}${suffix}`, rule: this.ruleName });
  }

  read(): SigmaDocument {
    const root = this.doc.contents;
    if (!isMap(root)) throw new DocumentProblem('a Sigma document must be a mapping (title, logsource, detection …)', this.at(root as Node));
    const get = (key: string): Node | null | undefined => fieldNode(root, key);
    const action = get('action');
    if (action !== undefined) throw new DocumentProblem("rule collections ('action: global/reset/repeat', Sigma 1.0) are not supported: write one rule per document", this.at(action));
    const named = (k: string): string | undefined => { const n = get(k); return isScalar(n) && typeof n.value === 'string' ? n.value : undefined; };
    this.ruleName = named('id') ?? named('title');
    const meta = this.meta(root);
    if (get('correlation') !== undefined) return { kind: 'correlation', meta, body: this.toJs(get('correlation')) };
    if (get('filter') !== undefined) {
      const logsource = this.logsource(root);
      return { kind: 'filter', meta, logsource, filter: this.filterSection(get('filter')) };
    }
    const detection = get('detection');
    if (detection === undefined) throw new DocumentProblem("no 'detection', 'correlation' or 'filter' section", this.at(root));
    const logsource = this.logsource(root);
    return { kind: 'detection', meta, logsource, detection: this.searchSection(detection, 'detection') };
  }

  private toJs(node: Node | null | undefined): unknown {
    return node ? node.toJS(this.doc) : null;
  }

  private str(root: YAMLMap, key: string, required = false): string | undefined {
    const node = fieldNode(root, key);
    if (node === undefined || (isScalar(node) && node.value === null)) {
      if (required) throw new DocumentProblem(`'${key}' is required`, this.at(root));
      return undefined;
    }
    if (!isScalar(node) || typeof node.value === 'object') throw new DocumentProblem(`'${key}' must be a string`, this.at(node));
    return String(node.value);
  }

  private strings(root: YAMLMap, key: string): string[] {
    const node = fieldNode(root, key);
    if (node === undefined || node === null || (isScalar(node) && node.value === null)) return [];
    if (isScalar(node)) return [String(node.value)];
    if (!isSeq(node)) { this.report(`'${key}' must be a list of strings`, this.at(node)); return []; }
    return node.items.map((item) => (isScalar(item) ? String(item.value) : JSON.stringify(this.toJs(item as Node))));
  }

  private meta(root: YAMLMap): RuleMeta {
    const level = this.str(root, 'level');
    if (level !== undefined && !(LEVELS as readonly string[]).includes(level)) {
      this.report(`invalid level '${level}'; valid: ${LEVELS.join(', ')}`, this.at(fieldNode(root, 'level')));
    }
    const author = fieldNode(root, 'author');
    return {
      title: this.str(root, 'title', true) as string,
      id: this.str(root, 'id'),
      name: this.str(root, 'name'),
      status: this.str(root, 'status'),
      description: this.str(root, 'description'),
      level: level as Level | undefined,
      tags: this.strings(root, 'tags'),
      author: isSeq(author) ? this.strings(root, 'author').join(', ') : this.str(root, 'author'),
      references: this.strings(root, 'references'),
      falsepositives: this.strings(root, 'falsepositives'),
      fields: this.strings(root, 'fields'),
      location: this.at(root),
    };
  }

  private logsource(root: YAMLMap): LogSource {
    const node = fieldNode(root, 'logsource');
    if (node === undefined) throw new DocumentProblem("'logsource' is required", this.at(root));
    if (!isMap(node)) throw new DocumentProblem("'logsource' must be a mapping (category, product, service)", this.at(node));
    const out: Record<string, string> = {};
    for (const key of ['category', 'product', 'service', 'definition']) {
      const v = this.str(node, key);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }

  private filterSection(node: Node | null | undefined): { rules: string[]; selections: Record<string, Selection>; conditions: ConditionText[] } {
    if (!isMap(node)) throw new DocumentProblem("'filter' must be a mapping with rules, selections and condition", this.at(node));
    const rules = this.strings(node, 'rules');
    if (rules.length === 0) this.report("filter: 'rules' must list the ids or names of the rules it applies to", this.at(node));
    const { selections, conditions } = this.searchSection(node, 'filter', ['rules']);
    return { rules, selections, conditions };
  }

  /** A detection (or filter) section: named selections plus `condition`. */
  private searchSection(node: Node | null | undefined, what: string, skip: readonly string[] = []): { selections: Record<string, Selection>; conditions: ConditionText[] } {
    if (!isMap(node)) throw new DocumentProblem(`'${what}' must be a mapping of search identifiers and a condition`, this.at(node));
    const selections: Record<string, Selection> = {};
    let conditionNode: Node | null | undefined;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (key === 'condition') { conditionNode = pair.value as Node | null; continue; }
      if (key === 'timeframe' || skip.includes(key)) continue;
      const sel = this.selection(key, pair);
      if (sel) Object.defineProperty(selections, key, { value: sel, enumerable: true, writable: true, configurable: true });
    }
    if (conditionNode === undefined) throw new DocumentProblem(`'${what}' has no 'condition'`, this.at(node));
    const conditionNodes = isSeq(conditionNode) ? conditionNode.items as Node[] : [conditionNode];
    if (conditionNodes.length === 0) throw new DocumentProblem("'condition' is empty", this.at(conditionNode));
    // Selections with problems are reported already: still count them as defined.
    const names = node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter((k) => k !== 'condition' && k !== 'timeframe' && !skip.includes(k));
    const conditions: ConditionText[] = [];
    for (const c of conditionNodes) {
      if (!isScalar(c) || typeof c.value !== 'string') { this.report("'condition' must be a string or a list of strings", this.at(c)); continue; }
      const text = c.value;
      const column = (col: number): RuleLocation => this.at(c, conditionOffset(c, col));
      try {
        const ast = parseCondition(text);
        for (const m of conditionReferences(ast, names).missing) {
          this.report(`condition refers to unknown search identifier '${m.text}'; defined: ${names.join(', ') || 'none'}`, column(m.column));
        }
      } catch (e) {
        if (!(e instanceof ConditionError)) throw e;
        this.report(`condition '${text}': ${e.message}`, column(e.column));
      }
      conditions.push({ text, location: this.at(c) });
    }
    return { selections, conditions };
  }

  /** One search identifier: a map, a list of maps, or a list of keyword values. */
  private selection(name: string, pair: Pair): Selection | null {
    const node = pair.value as Node | null;
    const location = this.at(pair);
    if (isMap(node)) {
      const alt = this.fieldMap(node);
      return alt ? { name, alternatives: [alt], location } : null;
    }
    if (isSeq(node)) {
      if (node.items.length === 0) { this.report(`search identifier '${name}' is an empty list`, location); return null; }
      const alternatives: FieldMatch[][] = [];
      const keywords: SigmaScalar[] = [];
      for (const item of node.items as Node[]) {
        if (isMap(item)) { const alt = this.fieldMap(item); if (alt) alternatives.push(alt); } else if (isScalar(item) && item.value !== null && typeof item.value !== 'object') keywords.push(item.value as SigmaScalar);
        else { this.report(`search identifier '${name}': list items must be maps or keyword strings`, this.at(item)); return null; }
      }
      if (keywords.length) {
        const fm: FieldMatch = { field: '', modifiers: [], values: keywords, location };
        if (this.checkValues(fm, name)) alternatives.unshift([fm]);
      }
      return { name, alternatives, location };
    }
    this.report(`search identifier '${name}' must be a map of fields or a list`, isAlias(node) ? this.at(node) : location);
    return null;
  }

  /** A map of `field|modifiers: value(s)`, AND-ed. */
  private fieldMap(map: YAMLMap): FieldMatch[] | null {
    const out: FieldMatch[] = [];
    let ok = true;
    if (map.items.length === 0) { this.report('empty map of fields', this.at(map)); return null; }
    for (const pair of map.items) {
      const fm = this.fieldMatch(pair);
      if (fm) out.push(fm); else ok = false;
    }
    return ok ? out : null;
  }

  private fieldMatch(pair: Pair): FieldMatch | null {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const location = this.at(pair);
    const [field, ...names] = key.split('|');
    const modifiers: Modifier[] = [];
    for (const raw of names) {
      const m = (MODIFIERS as readonly string[]).includes(raw) ? raw as Modifier : MODIFIER_ALIASES[raw];
      if (!m) { this.report(`unknown modifier '${raw}' in '${key}'`, location, `; known: ${KNOWN_MODIFIERS}`); return null; }
      modifiers.push(m);
    }
    const node = pair.value as Node | null;
    let values: SigmaScalar[];
    const scalar = (n: Node | null): SigmaScalar | undefined => (n === null ? null : isScalar(n) && (n.value === null || typeof n.value !== 'object') ? n.value as SigmaScalar : undefined);
    if (isSeq(node)) {
      values = [];
      for (const item of node.items as Node[]) {
        const v = scalar(item);
        if (v === undefined) { this.report(`'${key}': list values must be strings, numbers, booleans or null`, this.at(item)); return null; }
        values.push(v);
      }
      if (values.length === 0) { this.report(`'${key}' has an empty list of values`, location); return null; }
    } else {
      const v = scalar(node);
      if (v === undefined) { this.report(`'${key}': the value must be a string, number, boolean, null or a list of them`, this.at(node)); return null; }
      values = [v];
    }
    const fm: FieldMatch = { field, modifiers, values, location };
    return this.checkValues(fm, key) ? fm : null;
  }

  /** Checks modifiers and values the way the compiler will use them. */
  private checkValues(fm: FieldMatch, key: string): boolean {
    if (fm.field === '') {
      const bad = fm.modifiers.find((m) => m === 'exists' || m === 'fieldref' || m === 'cidr');
      if (bad) { this.report(`'${key}': keywords (no field name) cannot use '${bad}'`, fm.location); return false; }
      if (fm.values.includes(null)) { this.report(`'${key}': a keyword cannot be null`, fm.location); return false; }
    }
    try {
      planFieldMatch(fm, ANY_PLACEHOLDER);
      return true;
    } catch (e) {
      if (!(e instanceof SigmaCompileError)) throw e;
      this.report(e.message, fm.location);
      return false;
    }
  }
}

/** The value node of `key` in a map: undefined when the key is missing, null for `key:` with no value. */
function fieldNode(map: YAMLMap, key: string): Node | null | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair === undefined ? undefined : (pair.value as Node | null);
}

/** Offset in the file of a condition column inside a scalar (quotes add one; block scalars start on the next line). */
function conditionOffset(node: Scalar, column: number): number {
  if (node.type === 'PLAIN') return column - 1;
  if (node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') return column;
  return 0;
}
