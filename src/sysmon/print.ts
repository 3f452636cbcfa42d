/**
 * Prints the config model back as Sysmon XML: tab-indented like the community configs,
 * comments in place, values escaped (`&` → `&amp;`: an unescaped `&` makes Sysmon refuse
 * the whole file). `parseSysmonConfig(printSysmonConfig(c))` gives `c` back, lines aside.
 */
import type { ConfigComment, ConfigRule, EventBlock, FieldFilter, RuleGroup, SysmonConfig } from './model.js';

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

function attributes(pairs: [string, string | undefined][]): string {
  return pairs.filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${escapeAttribute(v ?? '')}"`).join('');
}

function comment(c: ConfigComment, indent: string): string {
  // A comment's text cannot contain "--" (XML 1.0 §2.5); the parser never returns one that does.
  return `${indent}<!--${c.text}-->`;
}

function filter(f: FieldFilter, indent: string): string {
  const condition = f.conditionText ?? (f.condition === 'is' ? undefined : f.condition);
  return `${indent}<${f.field}${attributes([['name', f.name], ['condition', condition]])}>${escapeText(f.value)}</${f.field}>`;
}

function rule(r: ConfigRule, indent: string): string[] {
  const open = `${indent}<Rule${attributes([['name', r.name], ['groupRelation', r.groupRelation]])}>`;
  return [open, ...r.items.map((i) => (i.kind === 'comment' ? comment(i, indent + '\t') : filter(i, indent + '\t'))), `${indent}</Rule>`];
}

function block(b: EventBlock, indent: string): string[] {
  const open = `${indent}<${b.tag} onmatch="${b.onmatch}"`;
  if (b.items.length === 0) return [`${open}/>`];
  const inner = indent + '\t';
  return [`${open}>`, ...b.items.flatMap((i) => (i.kind === 'comment' ? [comment(i, inner)] : i.kind === 'rule' ? rule(i, inner) : [filter(i, inner)])), `${indent}</${b.tag}>`];
}

function group(g: RuleGroup, indent: string): string[] {
  const open = `${indent}<RuleGroup${attributes([['name', g.name], ['groupRelation', g.groupRelation]])}>`;
  return [open, ...g.items.flatMap((i) => (i.kind === 'comment' ? [comment(i, indent + '\t')] : block(i, indent + '\t'))), `${indent}</RuleGroup>`];
}

/**
 * The config as Sysmon XML text (CRLF-free; Sysmon accepts either line end).
 *
 * @example
 * printSysmonConfig(parseSysmonConfig(xml).config) // '<Sysmon schemaversion="4.90">\n…'
 */
export function printSysmonConfig(config: SysmonConfig): string {
  const out: string[] = config.leadingComments.map((c) => comment(c, ''));
  out.push(`<Sysmon${attributes([['schemaversion', config.schemaVersion], ['binaryversion', config.binaryVersion]])}>`);
  const filtering = ['\t<EventFiltering>', ...config.filtering.flatMap((i) => (i.kind === 'comment' ? [comment(i, '\t\t')] : i.kind === 'group' ? group(i, '\t\t') : block(i, '\t\t'))), '\t</EventFiltering>'];
  config.settings.forEach((s, i) => {
    if (i === config.filteringAt) out.push(...filtering);
    out.push(s.kind === 'comment' ? comment(s, '\t') : s.value === '' ? `\t<${s.name}/>` : `\t<${s.name}>${escapeText(s.value)}</${s.name}>`);
  });
  if (config.filteringAt >= config.settings.length) out.push(...filtering);
  out.push('</Sysmon>');
  return out.join('\n') + '\n';
}
