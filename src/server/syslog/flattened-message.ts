/**
 * Windows' rendered messages put back together after a syslog sender flattened them.
 *
 * A Sysmon or Security message is many lines (CRLF), and Security messages align values
 * with TABs. Syslog lines cannot hold line breaks, so senders replace them, one character
 * for one character: NXLog's `to_syslog_bsd()` / `to_syslog_ietf()` write each CR and LF as
 * a space (TABs stay), Snare and NXLog's `to_syslog_snare()` write each CR, LF and TAB as a
 * space (xm_syslog; Snare "Windows Event Output Format"). The message's layout is known —
 * Sysmon's is its title and one `Field: value` line per field in the event's field order,
 * Security's are the templates of security-message.ts — so the layout is laid back over the
 * flat text and the values are taken from it as sent.
 *
 * What cannot come back: line breaks and tabs inside values (a multi-line command line, a
 * scheduled task's XML) stay spaces — except in the indented lists of Security messages
 * (privileges, access rights, groups; see {@link lineBreaksInValue}). A sender that
 * collapses whitespace runs (two spaces for CRLF becoming one) is handled for Sysmon (the
 * separator is measured on the message) but not for Security, whose templates are matched
 * space for space.
 */
import { eventFields, securityMessageTemplates, SYSMON_PROVIDER, SYSMON_TITLES } from '../../event/index.js';

/** Each CR, LF and TAB as one space: the flat form of any text (same length). */
const flat = (s: string): string => s.replace(/[\r\n\t]/g, ' ');

const escapeRegExp = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The message with Windows' line breaks and tabs, when `text` is a Sysmon or Security
 * message (flattened or not); null otherwise. `securityEventId` (known from Snare or NXLog
 * fields) narrows the Security templates tried to that event's.
 *
 * @example
 * restoreMessage('Process terminated:  RuleName: -  UtcTime: 2024-05-01 10:00:00.000  ProcessGuid: {…}  ProcessId: 4120  Image: C:\\x.exe')
 * // 'Process terminated:\r\nRuleName: -\r\nUtcTime: 2024-05-01 10:00:00.000\r\n…'
 */
export function restoreMessage(text: string, securityEventId?: number): string | null {
  if (/[\r\n]/.test(text.replace(/[\r\n]+$/, ''))) return text;
  return restoreSysmon(text) ?? restoreSecurity(text, securityEventId);
}

/** Sysmon titles, longest first (no title is a prefix of another once its colon is added, but be safe). */
/** A field line found in flat text: where its separator starts, where its value starts, its name. */
interface Cut {
  readonly at: number;
  readonly valueAt: number;
  readonly name: string;
}

/**
 * The field lines among the candidates (every `separator Name:` in the text): the longest
 * run of catalog fields in the event's field order that starts with the first line, so a
 * value quoting a field (a command line holding `  User: x`) is not taken for a line —
 * taking it would skip real fields that follow. Names the catalog lacks count after the
 * last catalog field only: Sysmon appends new fields (User, SourceUser…) at the end of its
 * events, and a capitalised `  Configuration:` inside a command line is then left alone.
 */
function fieldLines(candidates: readonly Cut[], order: ReadonlyMap<string, number>): Cut[] {
  const rank = candidates.map((c) => order.get(c.name) ?? -1);
  // length[i]: the longest run ending at candidate i; from[i]: the candidate before it.
  const length = candidates.map(() => 0);
  const from = candidates.map(() => -1);
  if (rank[0] === -1) return [];
  length[0] = 1;
  let best = 0;
  for (let i = 1; i < candidates.length; i++) {
    if (rank[i] === -1) continue;
    for (let j = 0; j < i; j++) {
      if (length[j] > 0 && rank[j] < rank[i] && length[j] + 1 > length[i]) { length[i] = length[j] + 1; from[i] = j; }
    }
    if (length[i] > length[best]) best = i;
  }
  const run: Cut[] = [];
  for (let i = best; i !== -1; i = from[i]) run.unshift(candidates[i]);
  for (let i = best + 1; i < candidates.length; i++) if (rank[i] === -1 && /^[A-Z]/.test(candidates[i].name)) run.push(candidates[i]);
  return run;
}

let sysmonTitles: { id: number; title: string }[] | null = null;

function restoreSysmon(text: string): string | null {
  sysmonTitles ??= Object.entries(SYSMON_TITLES).map(([id, title]) => ({ id: Number(id), title: title + ':' })).sort((a, b) => b.title.length - a.title.length);
  const found = sysmonTitles.find((t) => text.startsWith(t.title));
  if (found === undefined) return null;
  const n = flat(text);
  const after = found.title.length;
  const separator = /^ +/.exec(n.slice(after))?.[0];
  if (separator === undefined) return n.slice(after).trim() === '' ? found.title : null;
  const fields = eventFields(SYSMON_PROVIDER, found.id, null);
  const boundary = new RegExp(`${escapeRegExp(separator)}([A-Za-z][A-Za-z0-9]*):(?= |$)`, 'g');
  boundary.lastIndex = after;
  const candidates: Cut[] = [];
  for (let m = boundary.exec(n); m !== null; m = boundary.exec(n)) candidates.push({ at: m.index, valueAt: m.index + m[0].length, name: m[1] });
  if (candidates.length === 0 || candidates[0].at !== after) return null;
  const cuts = fields === null ? candidates.filter((c) => /^[A-Z]/.test(c.name)) : fieldLines(candidates, new Map(fields.map((f, i) => [f.name, i])));
  if (cuts.length === 0) return null;
  const lines = [found.title];
  cuts.forEach((c, i) => {
    const end = i + 1 < cuts.length ? cuts[i + 1].at : text.length;
    // The value as sent (a sender that kept TABs keeps them in values), after `Name:`.
    lines.push(`${c.name}:${text.slice(c.valueAt, end)}`);
  });
  return lines.join('\r\n');
}

interface FlatTemplate {
  readonly id: number;
  /** The first line, flat (the quick filter; no first line has a TAB). */
  readonly firstLine: string;
  /** The template's literal parts (as Windows writes them) around its inserts. */
  readonly literals: readonly string[];
  /** The inserts' field names (one fewer than the literals). */
  readonly names: readonly string[];
  /** Patterns over text with TABs kept (NXLog) and with TABs as spaces too (Snare), built when first needed. */
  tabbed?: RegExp;
  flat?: RegExp;
}

let flatTemplates: FlatTemplate[] | null = null;

/** Each Security template split into literals and inserts, on first use. */
function templates(): FlatTemplate[] {
  if (flatTemplates !== null) return flatTemplates;
  flatTemplates = [];
  for (const [id, template] of securityMessageTemplates()) {
    const pieces = template.split(/\{([A-Za-z0-9]+)\}/);
    const parts = pieces.filter((_p, i) => i % 2 === 0);
    const names = pieces.filter((_p, i) => i % 2 === 1);
    const literals = parts.map((p, i) => (i === parts.length - 1 ? p.replace(/\s+$/, '') : p));
    const nl = template.indexOf('\r\n');
    flatTemplates.push({ id, firstLine: flat(nl === -1 ? template : template.slice(0, nl)), literals, names });
  }
  return flatTemplates;
}

/**
 * A template's pattern over sent text: literals with CR and LF (and, unless `keepTabs`,
 * TAB) as spaces, values lazy as in the Security parser. The message may end trimmed or
 * padded; a value that ends the message takes the rest but trailing line ends, as the
 * Security parser reads it (5140's access list ends in TABs).
 */
function patternOf(t: FlatTemplate, keepTabs: boolean): RegExp {
  const cached = keepTabs ? t.tabbed : t.flat;
  if (cached !== undefined) return cached;
  const sent = (l: string): string => escapeRegExp(keepTabs ? l.replace(/[\r\n]/g, ' ') : flat(l));
  const source = '^' + t.literals.map(sent).join('([\\s\\S]*?)') + (t.literals[t.literals.length - 1] === '' ? '(?:  )*$' : ' *$');
  const pattern = new RegExp(source, 'd');
  if (keepTabs) t.tabbed = pattern; else t.flat = pattern;
  return pattern;
}

/**
 * Line breaks inside a multi-line value: Security messages show lists (privileges, access
 * rights, group SIDs) one item a line, each indented with TABs after a CRLF, and the event
 * data holds the same text. Where the sender kept TABs, a flattened CRLF is two spaces
 * before a TAB, which text never has otherwise. Where TABs became spaces too (Snare), a run
 * of three or more spaces in a list field (`…List`, `GroupMembership`) is CRLF and TABs
 * again — only there, because other values (command lines) may hold such runs themselves.
 */
function lineBreaksInValue(value: string, field: string): string {
  if (value.includes('\t')) return value.replace(/ {2}(?=\t)/g, '\r\n');
  if (!/(List|Membership)$/.test(field)) return value;
  return value.replace(/ {3,}/g, (run) => '\r\n' + '\t'.repeat(run.length - 2));
}

function restoreSecurity(text: string, eventId: number | undefined): string | null {
  // Security messages always have TABs: a sender that kept them kept them all.
  const keepTabs = text.includes('\t');
  const sent = keepTabs ? text.replace(/[\r\n]/g, ' ') : flat(text);
  const n = flat(text);
  for (const t of templates()) {
    if (eventId !== undefined ? t.id !== eventId : !(n.startsWith(t.firstLine) && (n.length === t.firstLine.length || n[t.firstLine.length] === ' '))) continue;
    const m = patternOf(t, keepTabs).exec(sent);
    if (m === null || m.indices === undefined) continue;
    let out = t.literals[0];
    for (let i = 1; i < t.literals.length; i++) {
      const [start, end] = m.indices[i]!;
      out += lineBreaksInValue(text.slice(start, end), t.names[i - 1]) + t.literals[i];
    }
    return out;
  }
  return null;
}
