/**
 * `haetae stream`: manage the stream queries of a running `haetae serve` through its
 * API (src/server/streams.ts): list, show, create (or replace), enable, disable, delete.
 */
import { readFileSync } from 'node:fs';
import { flag, parseCommandLine, str, UsageError } from '../args.js';

export const usage = `Usage: haetae stream list [--json]
       haetae stream show <name>
       haetae stream create <name> (--query Q | --query-file F) [--interval S] [--level L]
                            [--key F1,F2] [--throttle 60s] [--subquery-refresh S]
                            [--description T] [--no-alert] [--disabled] [--replace]
       haetae stream enable|disable|delete <name>

Stream queries run on the server over incoming events, in input order, until stopped;
each output row is an alert (table alerts, GET /api/alerts/stream, the alert sinks).
The query starts with 'table T' (the source tables; another stream's name reads its
output). --interval 0 (the default) streams per event: search, eval, parsekv, fields,
rename, explode, rex, parsejson, lookup and join (its subquery is a static snapshot,
refreshed every --subquery-refresh seconds and when a feed is refreshed). stats, sort,
timechart, dedup and limit need --interval N: the query then runs every N seconds over
the rows received meanwhile.

Example (a blocklist feed created with POST /api/feeds):
  haetae stream create blocklist --level high --query 'table sysmon | search event_id == 3
    | join DestinationIp [ table feed_blocklist | fields ip | rename ip as DestinationIp ]'

Options:
  -s, --server <url>        the server (default $HAETAE_SERVER, else http://127.0.0.1:8514)
  -t, --token <token>       an API token (default $HAETAE_TOKEN); changes need an admin token
  -q, --query <text>        the query
      --query-file <file>   read the query from a file
  -i, --interval <s>        0 = per event (default); N = every N seconds over a window
  -l, --level <level>       alert level: informational, low, medium (default), high, critical
      --key <fields>        fields whose values make the alert key (default: all)
      --throttle <window>   one alert per key per window (e.g. 60s, 5m); later ones are counted in
      --subquery-refresh <s> seconds between join/lookup snapshots (default 300)
      --description <text>  a note for people
      --no-alert            raise no alerts: the output only feeds other stream queries
      --disabled            create it disabled
      --replace             replace a stream of the same name (PUT) instead of failing
      --json                list as JSON
  -h, --help                show this help`;

interface Api {
  readonly server: string;
  readonly token: string;
}

/** Calls the API; returns the JSON answer, or throws the server's error message. */
async function call(api: Api, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(new URL(path, api.server), {
      method,
      headers: { authorization: `Bearer ${api.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    const cause = (e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message;
    throw new ApiError(`cannot reach ${api.server}: ${cause} (is haetae serve running? --server or HAETAE_SERVER)`);
  }
  const text = await res.text();
  let doc: Record<string, unknown> = {};
  try { doc = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON: reported below */ }
  if (!res.ok) throw new ApiError(`${method} ${path}: HTTP ${res.status}: ${typeof doc['error'] === 'string' ? doc['error'] : text.slice(0, 500)}`);
  return doc;
}

/** The server refused or could not be reached: exit code 1 with its message. */
class ApiError extends Error {}

function line(s: Record<string, unknown>): string {
  const stats = (s['stats'] ?? {}) as Record<string, unknown>;
  const cols = [
    String(s['name']), String(s['state']), s['mode'] === 'window' ? `every ${String(s['interval'])}s` : 'per-event', String(s['level']),
    `in ${String(stats['rowsIn'] ?? 0)}`, `out ${String(stats['rowsOut'] ?? 0)}`, `sources ${((s['sources'] ?? []) as string[]).join(',')}`,
  ];
  return cols.join('  ') + (s['error'] ? `\n    error: ${String(s['error'])}` : '');
}

function show(s: Record<string, unknown>): string {
  return [line(s), `    query: ${String(s['query'])}`].join('\n');
}

/** The definition `create` sends. */
function definition(cl: ReturnType<typeof parseCommandLine>, name: string): Record<string, unknown> {
  const queryFile = str(cl, 'query-file');
  const query = str(cl, 'query') ?? (queryFile !== undefined ? readFileSync(queryFile, 'utf8') : undefined);
  if (query === undefined) throw new UsageError('give the query with --query or --query-file');
  const num = (option: string): number | undefined => {
    const v = str(cl, option);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${option} must be a whole number of seconds, got '${v}'`);
    return n;
  };
  const def: Record<string, unknown> = { name, query, enabled: !flag(cl, 'disabled'), alert: !flag(cl, 'no-alert') };
  const interval = num('interval');
  const refresh = num('subquery-refresh');
  if (interval !== undefined) def['interval'] = interval;
  if (refresh !== undefined) def['subquery_refresh'] = refresh;
  for (const [option, key] of [['level', 'level'], ['throttle', 'throttle'], ['description', 'description']] as const) {
    const v = str(cl, option);
    if (v !== undefined) def[key] = v;
  }
  const key = str(cl, 'key');
  if (key !== undefined) def['key'] = key.split(',').map((k) => k.trim()).filter((k) => k !== '');
  return def;
}

/** Runs `haetae stream`. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    server: { type: 'string', short: 's' }, token: { type: 'string', short: 't' },
    query: { type: 'string', short: 'q' }, 'query-file': { type: 'string' }, interval: { type: 'string', short: 'i' },
    level: { type: 'string', short: 'l' }, key: { type: 'string' }, throttle: { type: 'string' }, 'subquery-refresh': { type: 'string' },
    description: { type: 'string' }, 'no-alert': { type: 'boolean' }, disabled: { type: 'boolean' }, replace: { type: 'boolean' },
    json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  const [action, name, ...extra] = cl.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  const token = str(cl, 'token') ?? process.env['HAETAE_TOKEN'];
  if (token === undefined || token === '') throw new UsageError('give an API token with --token or HAETAE_TOKEN (haetae token create)');
  const api: Api = { server: str(cl, 'server') ?? (process.env['HAETAE_SERVER'] || 'http://127.0.0.1:8514'), token };
  const needName = (): string => {
    if (name === undefined) throw new UsageError(`give the name of the stream query: haetae stream ${action} <name>`);
    return encodeURIComponent(name);
  };
  try {
    switch (action) {
      case 'list': {
        if (name !== undefined) throw new UsageError(`unexpected argument '${name}'`);
        const { streams } = await call(api, 'GET', '/api/streams') as { streams: Record<string, unknown>[] };
        process.stdout.write(flag(cl, 'json') ? JSON.stringify(streams, null, 2) + '\n' : streams.map(line).map((l) => l + '\n').join(''));
        if (!flag(cl, 'json') && streams.length === 0) process.stderr.write('no stream queries (haetae stream create)\n');
        return 0;
      }
      case 'show':
        process.stdout.write(show(await call(api, 'GET', `/api/streams/${needName()}`)) + '\n');
        return 0;
      case 'create': {
        const path = needName();
        const def = definition(cl, name!);
        const s = flag(cl, 'replace') ? await call(api, 'PUT', `/api/streams/${path}`, def) : await call(api, 'POST', '/api/streams', def);
        process.stdout.write(show(s) + '\n');
        return 0;
      }
      case 'enable': case 'disable':
        process.stdout.write(line(await call(api, 'POST', `/api/streams/${needName()}/${action}`)) + '\n');
        return 0;
      case 'delete':
        await call(api, 'DELETE', `/api/streams/${needName()}`);
        process.stderr.write(`deleted stream query ${name}\n`);
        return 0;
      default:
        throw new UsageError(action === undefined ? 'give list, show, create, enable, disable or delete' : `unknown action '${action}'`);
    }
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    process.stderr.write(`haetae stream: ${e.message}\n`);
    return 1;
  }
}
