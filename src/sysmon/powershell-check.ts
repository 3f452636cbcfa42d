/**
 * Test support: static checks of the PowerShell Haetae generates (`verify-script`,
 * `audit-commands --format ps1`), since no PowerShell runs where the tests run. A small
 * lexer separates code from comments and strings, then the checks look for what would
 * break on a server: unbalanced brackets, unterminated strings, PowerShell 7-only syntax
 * in a script for Windows PowerShell 5.1, `"$name:"` (read as a scope-qualified
 * variable), variables never assigned (typos), automatic variables, calls to functions
 * that are not defined or named parameters they do not declare.
 */

/** The script with every comment and string body blanked (newlines kept), and what was blanked. */
export interface PowerShellText {
  /** Code only: comments become spaces, strings keep their quotes around spaces. */
  readonly code: string;
  /** Code and strings: only comments become spaces. */
  readonly withoutComments: string;
  /** Contents of double-quoted (expandable) strings, for variable checks. */
  readonly expandable: readonly { readonly text: string; readonly line: number }[];
  /** Unterminated strings or comments, unbalanced brackets: "line N: …". */
  readonly problems: readonly string[];
}

const OPEN: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
const CLOSE = new Set([')', '}', ']']);

/**
 * Splits PowerShell text into code, comments and strings (single- and double-quoted,
 * here-strings, `<# #>` and `#` comments) and checks bracket balance in the code.
 *
 * @example
 * lexPowerShell("$a = 'x' # c").code // "$a = ' '    "
 */
export function lexPowerShell(text: string): PowerShellText {
  const out: string[] = [];
  const kept: string[] = [];
  const expandable: { text: string; line: number }[] = [];
  const problems: string[] = [];
  const stack: { ch: string; line: number }[] = [];
  let line = 1;
  let i = 0;
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  // keep: code; 'string': blanked in code, kept in withoutComments; false: a comment.
  const take = (end: number, keep: boolean | 'string'): void => {
    const s = text.slice(i, end);
    out.push(keep === true ? s : blank(s));
    kept.push(keep === false ? blank(s) : s);
    line += (s.match(/\n/g) ?? []).length;
    i = end;
  };
  while (i < text.length) {
    const c = text[i];
    const prev = i === 0 ? '\n' : text[i - 1];
    if (c === '<' && text[i + 1] === '#') {
      const end = text.indexOf('#>', i + 2);
      if (end < 0) { problems.push(`line ${line}: unterminated <# comment`); take(text.length, false); break; }
      take(end + 2, false);
    } else if (c === '#' && /[\s;({})]/.test(prev)) {
      const end = text.indexOf('\n', i);
      take(end < 0 ? text.length : end, false);
    } else if (c === '@' && (text[i + 1] === "'" || text[i + 1] === '"') && text[i + 2] === '\n') {
      const q = text[i + 1];
      const end = text.indexOf(`\n${q}@`, i + 3);
      if (end < 0) { problems.push(`line ${line}: unterminated here-string`); take(text.length, false); break; }
      if (q === '"') expandable.push({ text: text.slice(i + 3, end), line });
      take(i + 2, true);
      take(end + 1, 'string');
      take(i + 2, true);
    } else if (c === "'") {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) { problems.push(`line ${line}: unterminated '-string`); break; }
        if (text[j] === "'" && text[j + 1] === "'") { j += 2; continue; }
        if (text[j] === "'") break;
        j++;
      }
      take(i + 1, true);
      take(Math.min(j, text.length), 'string');
      if (i < text.length) take(i + 1, true);
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) { problems.push(`line ${line}: unterminated "-string`); break; }
        if (text[j] === '`') { j += 2; continue; }
        if (text[j] === '"' && text[j + 1] === '"') { j += 2; continue; }
        if (text[j] === '"') break;
        j++;
      }
      expandable.push({ text: text.slice(i + 1, j), line });
      take(i + 1, true);
      take(Math.min(j, text.length), 'string');
      if (i < text.length) take(i + 1, true);
    } else {
      if (OPEN[c]) stack.push({ ch: c, line });
      else if (CLOSE.has(c)) {
        const top = stack.pop();
        if (!top) problems.push(`line ${line}: '${c}' closes nothing`);
        else if (OPEN[top.ch] !== c) problems.push(`line ${line}: '${c}' closes '${top.ch}' opened on line ${top.line}`);
      }
      take(i + 1, true);
    }
  }
  for (const s of stack) problems.push(`line ${s.line}: '${s.ch}' is never closed`);
  return { code: out.join(''), withoutComments: kept.join(''), expandable, problems };
}

/** Automatic variables a script must not assign or rely on (reading them by mistake is a silent bug). */
const FORBIDDEN_VARIABLES = [
  'pid', 'host', 'input', 'args', 'error', 'event', 'eventargs', 'eventsubscriber', 'matches', 'this', 'sender',
  'psitem', 'myinvocation', 'pscmdlet', 'home', 'profile', 'ofs', 'foreach', 'switch', 'executioncontext',
  'psboundparameters', 'stacktrace', 'shellid', 'pshome', 'nestedpromptlevel',
  // PowerShell 6+ only: $null in Windows PowerShell 5.1.
  'iswindows', 'islinux', 'ismacos', 'iscoreclr', 'psstyle',
];
/** Automatic variables that are fine to read. */
const AUTOMATIC_VARIABLES = new Set(['_', 'null', 'true', 'false', 'lastexitcode', 'psscriptroot']);
/** Operators that look like named parameters. */
const OPERATORS = new Set([
  'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'notlike', 'match', 'notmatch', 'and', 'or', 'not', 'xor', 'band',
  'bor', 'bxor', 'bnot', 'shl', 'shr', 'f', 'is', 'isnot', 'as', 'contains', 'notcontains', 'in', 'notin', 'replace',
  'split', 'join', 'ieq', 'ceq', 'ilike', 'clike', 'imatch', 'cmatch',
]);

/** PowerShell 7-only syntax, as it shows in code with strings and comments blanked. */
const PS7_ONLY: readonly [RegExp, string][] = [
  [/\?\?/, "'??' (null-coalescing)"],
  [/\?\.|\?\[/, "'?.' / '?[' (null-conditional)"],
  [/\?/, "'?' (ternary, or the Where-Object alias: write Where-Object)"],
  [/&&|\|\|/, "'&&' / '||' (pipeline chain)"],
  [/-Parallel\b/i, '-Parallel'],
  [/\bClean\s*\{/, 'clean block'],
  [/-AsHashtable\b/i, '-AsHashtable'],
  [/\bJoin-String\b/i, 'Join-String'],
  [/\bGet-Error\b/i, 'Get-Error'],
  [/\bTest-Json\b/i, 'Test-Json'],
];

/** Finds the `param( … )` block starting at `from` (the index of `param`) and returns its text. */
function paramBlock(code: string, from: number): string {
  const open = code.indexOf('(', from);
  let depth = 0;
  for (let j = open; j < code.length; j++) {
    if (code[j] === '(') depth++;
    else if (code[j] === ')' && --depth === 0) return code.slice(open + 1, j);
  }
  return '';
}

function lineAt(code: string, index: number): number {
  return code.slice(0, index).split('\n').length;
}

/** Removes balanced (…), {…} and […] groups: a nested call's or script block's arguments are not the outer call's. */
function dropGroups(s: string): string {
  let prev = '';
  let cur = s;
  while (prev !== cur) { prev = cur; cur = cur.replace(/\([^(){}[\]]*\)|\{[^(){}[\]]*\}|\[[^(){}[\]]*\]/g, ' '); }
  return cur;
}

/**
 * Every problem found in a generated script ("line N: …"); empty when it passes.
 * `knownCommands` are cmdlets and executables the script may call besides its own functions.
 *
 * @example
 * checkPowerShell(verifyScript(), ['Get-WinEvent', 'New-Object']) // []
 */
export function checkPowerShell(script: string, knownCommands: readonly string[]): string[] {
  const { code, expandable, problems: lexProblems } = lexPowerShell(script);
  const problems = [...lexProblems];

  for (const [re, what] of PS7_ONLY) {
    const m = re.exec(code);
    if (m) problems.push(`line ${lineAt(code, m.index)}: PowerShell 7-only ${what}`);
  }

  // "$name:" in an expandable string is a scope-qualified variable (and an error when the
  // scope is not one): write "${name}:" or use -f.
  for (const s of expandable) {
    for (const m of s.text.matchAll(/\$(\w+):(?!\w)/g)) problems.push(`line ${s.line}: "$${m[1]}:" in a string reads as a scope-qualified variable`);
  }

  // Functions and their parameters.
  const functions = new Map<string, { name: string; params: Set<string>; defined: number }>();
  const bodies: [number, number][] = [];
  for (const m of code.matchAll(/\bfunction\s+([\w-]+)\s*\{/gi)) {
    const body = code.slice(m.index + m[0].length);
    const p = /^\s*param\s*\(/i.exec(body);
    const params = p ? paramBlock(body, p.index) : '';
    functions.set(m[1].toLowerCase(), { name: m[1], params: new Set([...params.matchAll(/\$(\w+)/g)].map((x) => x[1].toLowerCase())), defined: m.index });
    let depth = 1;
    let end = m.index + m[0].length;
    while (end < code.length && depth > 0) { depth += code[end] === '{' ? 1 : code[end] === '}' ? -1 : 0; end++; }
    bodies.push([m.index, end]);
  }
  const known = new Set(knownCommands.map((c) => c.toLowerCase()));
  for (const m of code.matchAll(/(?<![\w$-])([A-Z][A-Za-z]+-[A-Z][A-Za-z]+)\b/g)) {
    const name = m[1].toLowerCase();
    if (!functions.has(name) && !known.has(name)) problems.push(`line ${lineAt(code, m.index)}: '${m[1]}' is neither defined in the script nor a known command`);
  }
  for (const { name, params, defined } of functions.values()) {
    for (const m of code.matchAll(new RegExp(`(?<![\\w-])${name.replace(/-/g, '\\-')}(?![\\w-])`, 'gi'))) {
      if (/function\s+$/i.test(code.slice(Math.max(0, m.index - 20), m.index))) continue;
      // A script runs top to bottom: outside function bodies, a function must be defined first.
      if (m.index < defined && !bodies.some(([from, to]) => m.index > from && m.index < to)) problems.push(`line ${lineAt(code, m.index)}: ${name} is called before it is defined`);
      let rest = code.slice(m.index + m[0].length).split('\n')[0];
      let depth = 0;
      for (let j = 0; j < rest.length; j++) {
        const ch = rest[j];
        if (ch === '(' || ch === '{' || ch === '[') depth++;
        else if (ch === ')' || ch === '}' || ch === ']') { if (--depth < 0) { rest = rest.slice(0, j); break; } }
        else if ((ch === '|' || ch === ';') && depth === 0) { rest = rest.slice(0, j); break; }
      }
      for (const p of dropGroups(rest).matchAll(/(?<=\s)-([A-Za-z]\w*)/g)) {
        const param = p[1].toLowerCase();
        if (OPERATORS.has(param) || params.has(param)) continue;
        problems.push(`line ${lineAt(code, m.index)}: ${name} has no parameter -${p[1]}`);
      }
    }
  }

  // Variables: forbidden automatic ones, and every variable read must be assigned somewhere.
  const assigned = new Set<string>();
  for (const m of code.matchAll(/\$(\w+)\s*(?:=(?!=)|\+=|-=|\+\+|--)/g)) assigned.add(m[1].toLowerCase());
  for (const m of code.matchAll(/\b(?:foreach|for)\s*\(\s*\$(\w+)/gi)) assigned.add(m[1].toLowerCase());
  for (const m of code.matchAll(/\bparam\s*\(/gi)) for (const v of paramBlock(code, m.index).matchAll(/\$(\w+)/g)) assigned.add(v[1].toLowerCase());
  for (const m of code.matchAll(/\$script:(\w+)/gi)) assigned.add(m[1].toLowerCase());
  const reads = [
    ...[...code.matchAll(/\$(\w+)\b(?!:)/g)].map((m) => ({ name: m[1], line: lineAt(code, m.index) })),
    ...expandable.flatMap((s) => [...s.text.matchAll(/(?<!`)\$(\w+)\b(?!:)/g)].map((m) => ({ name: m[1], line: s.line }))),
  ];
  for (const r of reads) {
    const name = r.name.toLowerCase();
    if (FORBIDDEN_VARIABLES.includes(name)) problems.push(`line ${r.line}: automatic variable $${r.name}`);
    else if (!assigned.has(name) && !AUTOMATIC_VARIABLES.has(name)) problems.push(`line ${r.line}: $${r.name} is never assigned`);
  }
  return problems;
}
