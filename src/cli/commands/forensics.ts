/**
 * `haetae forensics tree|prevalence|spread|connections|ioc|hosts`: the forensic views of
 * src/forensics/ on a data directory (opened like `haetae query` opens it), as a table
 * for people or JSON (the same shapes as the server's /api/forensics endpoints).
 */
import { AllowlistError, loadAllowlist } from '../../forensics/allowlist.js';
import { processConnections } from '../../forensics/connections.js';
import { hostList } from '../../forensics/hosts.js';
import { iocMatches, UnknownFeedError } from '../../forensics/ioc.js';
import { hashPrevalence } from '../../forensics/prevalence.js';
import { DEFAULT_DEPTH, processQueryFrom, processTree, ProcessNotFoundError, type ProcessNode, type ProcessQuery } from '../../forensics/process-tree.js';
import { spread, type SpreadQuery } from '../../forensics/spread.js';
import { newRow, type Row, type Value } from '../../query/value.js';
import type { Store } from '../../store/index.js';
import { flag, oneOf, parseCommandLine, positiveInt, str, UsageError, type ParsedCommandLine } from '../args.js';
import { loadConfig, type HaetaeConfig } from '../config.js';
import { renderTable } from '../render/rows.js';
import { openCommandStore, storeOptionHelp, storeSpec } from '../store-at.js';

export const usage = `Usage: haetae forensics <view> [options]

Forensic views of the stored events (the same as haetae serve's /api/forensics):
  tree         process tree of one process: ancestors and descendants (Sysmon 1/5 + Security 4688/4689)
                 --guid G [--host H]  or  --host H --pid P --time ISO   [--depth N] [--window-hours N]
  connections  network connections of one process (Sysmon 3 by GUID, 5156 by PID at the time)
                 same process options as tree
  prevalence   executed images by SHA256, rarest first (Sysmon 1 Hashes)
                 [--hide-allowed] [--order rare|common] [--host H] [--image TEXT]
  spread       hosts where a binary ran or an indicator was seen, by first sighting (patient zero first)
                 --hash SHA256 | --image NAME | --ioc IP-or-domain
  ioc          stored events matching threat-intel feeds (tables feed_<name>)   [--feed NAME]
  hosts        hosts with event counts, first/last seen, per channel

Options:
  -d, --data <dir>      data directory (default ./haetae-data)
${storeOptionHelp(24)}
  -f, --format <fmt>    table (default) or json
      --limit N         rows per page (default 100), --offset N (default 0)
  -h, --help            show this help

Allowlist (prevalence): <data>/forensics-allowlist.txt (a SHA256 or signer:<name> per line)
and haetae.yaml forensics: allowlist: [ … ].`;

const VIEWS = ['tree', 'connections', 'prevalence', 'spread', 'ioc', 'hosts'] as const;
type View = (typeof VIEWS)[number];

const row = (o: Record<string, Value | undefined>): Row => {
  const r = newRow();
  for (const [k, v] of Object.entries(o)) r[k] = v ?? null;
  return r;
};

function processQuery(cl: ParsedCommandLine): ProcessQuery {
  const q = processQueryFrom({ guid: str(cl, 'guid'), host: str(cl, 'host'), pid: str(cl, 'pid'), time: str(cl, 'time'), windowHours: str(cl, 'window-hours') });
  if (typeof q === 'string') throw new UsageError(q.replace(/\b(window_hours|guid|host|pid|time)\b/g, (m) => `--${m.replace('_', '-')}`));
  return q;
}

function spreadQuery(cl: ParsedCommandLine): SpreadQuery {
  const given = (['hash', 'image', 'ioc'] as const).filter((k) => str(cl, k) !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --hash, --image or --ioc');
  const v = str(cl, given[0])!;
  return given[0] === 'hash' ? { hash: v } : given[0] === 'image' ? { image: v } : { ioc: v };
}

/** A process tree as indented lines: `*` marks the process asked about. */
function treeLines(n: ProcessNode, depth = 0, out: string[] = []): string[] {
  const ev = [...n.sources.sysmon.map((s) => `sysmon ${s.event_id}#${s.record_id ?? '?'}`), ...n.sources.security.map((s) => `security ${s.event_id}#${s.record_id ?? '?'}`)];
  out.push(`${'  '.repeat(depth)}${n.focus ? '* ' : ''}${n.image || '(unknown image)'} [pid ${n.pid}${n.guid ? ` ${n.guid}` : ''}] ${n.start ?? '?'} → ${n.end ?? '…'}`
    + `${n.user ? ` ${n.user}` : ''}${ev.length > 0 ? `  (${ev.join(', ')})` : ''}`);
  if (n.command_line) out.push(`${'  '.repeat(depth)}    ${n.command_line}`);
  for (const c of n.children) treeLines(c, depth + 1, out);
  return out;
}

/** Runs one view; returns what to print as JSON and as a table. */
async function runView(view: View, store: Store, cl: ParsedCommandLine, config: HaetaeConfig): Promise<{ json: unknown; text: string }> {
  const limit = positiveInt(str(cl, 'limit'), 'limit', 100);
  const offsetText = str(cl, 'offset');
  const offset = offsetText === undefined ? 0 : Number(offsetText);
  if (!Number.isInteger(offset) || offset < 0) throw new UsageError(`--offset must be a whole number, not '${offsetText}'`);
  const footer = (total: number, shown: number): string => (total > shown ? `(${shown} of ${total}; --limit/--offset for more)\n` : '');
  switch (view) {
    case 'tree': {
      const t = await processTree(store, processQuery(cl), positiveInt(str(cl, 'depth'), 'depth', DEFAULT_DEPTH));
      return { json: t, text: treeLines(t.root).join('\n') + `\n${t.truncated ? '(deeper descendants cut: --depth)\n' : ''}` };
    }
    case 'connections': {
      const a = await processConnections(store, processQuery(cl), limit, offset);
      const rows = a.connections.map((c) => row({
        time: c.ref.time, source: `${c.source} ${c.ref.event_id}`, direction: c.direction, protocol: c.protocol,
        source_addr: `${c.source_ip ?? '?'}:${c.source_port ?? '?'}`, destination: `${c.destination_ip ?? '?'}:${c.destination_port ?? '?'}`, hostname: c.destination_hostname,
      }));
      return { json: a, text: `${a.process.image} [pid ${a.process.pid}] on ${a.process.host}\n${rows.length > 0 ? renderTable(rows) : '(no connections)\n'}${footer(a.total, rows.length)}` };
    }
    case 'prevalence': {
      const order = oneOf(str(cl, 'order'), 'order', ['rare', 'common'] as const, 'rare');
      const a = await hashPrevalence(store, loadAllowlist(config.dataDir, config.file), {
        limit, offset, order, hideAllowed: flag(cl, 'hide-allowed'), host: str(cl, 'host'), image: str(cl, 'image'),
      });
      const rows = a.rows.map((r) => row({
        sha256: r.sha256, runs: r.runs, hosts: r.hosts, first_seen: r.first_seen, last_seen: r.last_seen, image: r.images.join(' | '),
        signer: r.signers.join(', ') || (r.signed === null ? '(unknown)' : ''), allowed: r.allowed_by,
      }));
      return { json: a, text: (rows.length > 0 ? renderTable(rows) : '(no Sysmon 1 runs with a SHA256)\n') + footer(a.total, rows.length) };
    }
    case 'spread': {
      const a = await spread(store, spreadQuery(cl));
      const rows = a.hosts.map((h, i) => row({
        order: i + 1, host: h.host, first_seen: h.first_seen, last_seen: h.last_seen, count: h.count,
        first_event: `${h.first_event.ref.table} ${h.first_event.ref.event_id}#${h.first_event.ref.record_id ?? '?'}`, image: h.first_event.image,
      }));
      return { json: a, text: `${a.kind} ${a.value}: patient zero ${a.patient_zero ?? '(not seen)'}\n${rows.length > 0 ? renderTable(rows) : ''}` };
    }
    case 'ioc': {
      const a = await iocMatches(store, str(cl, 'feed'), limit, offset);
      const rows = a.matches.map((m) => row({
        time: m.ref.time, feed: m.feed, value: m.value, field: m.field, host: m.host, event: `${m.ref.table} ${m.ref.event_id}#${m.ref.record_id ?? '?'}`, image: m.image, pid: m.pid,
      }));
      return { json: a, text: `feeds: ${a.feeds.join(', ') || '(none)'}\n${rows.length > 0 ? renderTable(rows) : '(no matches)\n'}${footer(a.total, rows.length)}` };
    }
    case 'hosts': {
      const a = await hostList(store, limit, offset);
      const rows = a.hosts.flatMap((h) => h.channels.map((c) => row({ host: h.host, total: h.events, channel: c.channel, table: c.table, events: c.events, first_seen: c.first_seen, last_seen: c.last_seen })));
      return { json: a, text: (rows.length > 0 ? renderTable(rows) : '(no events stored)\n') + footer(a.total, a.hosts.length) };
    }
  }
}

/** Runs `haetae forensics`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    data: { type: 'string', short: 'd' }, store: { type: 'string' }, format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' },
    guid: { type: 'string' }, host: { type: 'string' }, pid: { type: 'string' }, time: { type: 'string' }, depth: { type: 'string' }, 'window-hours': { type: 'string' },
    'hide-allowed': { type: 'boolean' }, order: { type: 'string' }, image: { type: 'string' }, hash: { type: 'string' }, ioc: { type: 'string' }, feed: { type: 'string' },
    limit: { type: 'string' }, offset: { type: 'string' },
  });
  if (flag(cl, 'help') || cl.positionals.length === 0) { process.stdout.write(usage + '\n'); return flag(cl, 'help') ? 0 : 2; }
  const view = cl.positionals[0] as View;
  if (!VIEWS.includes(view)) throw new UsageError(`unknown view '${cl.positionals[0]}' (one of ${VIEWS.join(', ')})`);
  if (cl.positionals.length > 1) throw new UsageError(`unexpected argument '${cl.positionals[1]}'`);
  const format = oneOf(str(cl, 'format'), 'format', ['table', 'json'] as const, 'table');
  const config = loadConfig(str(cl, 'data'));
  const store = await openCommandStore('forensics', { spec: storeSpec(str(cl, 'store'), config.store), dataDir: config.dataDir });
  if (store === null) return 1;
  try {
    const { json, text } = await runView(view, store, cl, config);
    process.stdout.write(format === 'json' ? JSON.stringify(json, null, 2) + '\n' : text);
    return 0;
  } catch (e) {
    if (e instanceof ProcessNotFoundError || e instanceof UnknownFeedError || e instanceof AllowlistError) { process.stderr.write(`haetae forensics ${view}: ${e.message}\n`); return 1; }
    throw e;
  } finally {
    await store.close();
  }
}
