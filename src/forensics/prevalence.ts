/**
 * Hash prevalence: every executed image by SHA256 — how many runs, on how many hosts, first
 * and last seen, under which paths — rarest first, so the one binary that ran twice stands
 * out among the thousands of runs of the usual ones. Aggregated by the store's engine in
 * one query (sql.ts spells it for DuckDB or ClickHouse).
 *
 * Runs are Sysmon 1 events; the SHA256 comes from their `Hashes` field (present only when
 * the config's HashAlgorithms includes SHA256), read as splitHashes reads it (hashSql). Sysmon 1 carries no signature; the signer is taken from Sysmon 7
 * (image loaded: `Signed`, `Signature`) of the same SHA256 when the store holds such loads.
 */
import type { Row } from '../query/value.js';
import type { Store } from '../store/types.js';
import type { Allowlist } from './allowlist.js';
import { forensicSql, hashSql, SqlParams, type ForensicSql } from './sql.js';
import { allRows, hasTable, isoTime, SYSMON_TABLE, tableColumns } from './store-rows.js';

/** One row of the prevalence table (the API's JSON shape). */
export interface PrevalenceRow {
  readonly sha256: string;
  readonly runs: number;
  readonly hosts: number;
  readonly first_seen: string | null;
  readonly last_seen: string | null;
  /** Distinct image paths, at most 20. */
  readonly images: string[];
  /** Signers Sysmon 7 reported for this SHA256; empty when unknown. */
  readonly signers: string[];
  /** From Sysmon 7 `Signed`; null when no load of this hash was logged (Sysmon 1 has no signature). */
  readonly signed: boolean | null;
  readonly allowed: boolean;
  /** `hash` or `signer:<name>` when allowed. */
  readonly allowed_by: string | null;
}

/** What to list. */
export interface PrevalenceOptions {
  readonly limit: number;
  readonly offset: number;
  readonly hideAllowed?: boolean;
  /** `rare` (default): fewest runs first, then fewest hosts; `common`: most runs first. */
  readonly order?: 'rare' | 'common';
  /** Only runs on this host. */
  readonly host?: string;
  /** Only images whose path contains this (case-insensitive). */
  readonly image?: string;
}

/** A page of the prevalence table. */
export interface PrevalenceAnswer {
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly allowlist: { readonly hashes: number; readonly signers: number };
  readonly rows: PrevalenceRow[];
}

const SIGNER_NULLS = `('', '-')`;

/**
 * A page of the prevalence table over the store's Sysmon 1 runs.
 *
 * @example
 * const { rows } = await hashPrevalence(store, allowlist, { limit: 50, offset: 0, hideAllowed: true });
 */
export async function hashPrevalence(store: Store, allow: Allowlist, o: PrevalenceOptions): Promise<PrevalenceAnswer> {
  const empty = { total: 0, limit: o.limit, offset: o.offset, allowlist: { hashes: allow.hashes.size, signers: allow.signers.size }, rows: [] };
  if (!(await hasTable(store, SYSMON_TABLE))) return empty;
  const sql = forensicSql(store);
  const cols = await tableColumns(store, SYSMON_TABLE);
  const t = sql.ident(SYSMON_TABLE);
  const sha = hashSql(sql, sql.field(cols, 'Hashes'), 'SHA256');
  const image = sql.field(cols, 'Image');
  const where: string[] = ['event_id = 1'];
  const params = new SqlParams();
  if (o.host !== undefined) where.push(`${sql.lower('host')} = ${sql.lower(params.add(o.host))}`);
  if (o.image !== undefined) where.push(sql.contains(sql.lower(image), sql.lower(params.add(o.image))));
  // The allowlist is inlined: hashes are checked hex, signers quoted as SQL strings.
  const hashList = [...allow.hashes].map(sql.string).join(', ');
  const signerList = [...allow.signers].map(sql.string).join(', ');
  const branches = [
    ...(hashList ? [`WHEN sha256 IN (${hashList}) THEN 'hash'`] : []),
    ...(signerList ? [`WHEN ${sql.listHasLower('signers', signerList)} THEN concat('signer:', ${sql.firstLower('signers', signerList)})`] : []),
  ];
  const allowedBy = branches.length > 0 ? `CASE ${branches.join(' ')} ELSE NULL END` : 'NULL';
  const signature = sql.field(cols, 'Signature');
  const signed = sql.field(cols, 'Signed');
  const runs = `SELECT sha256, count(*) AS runs, ${sql.countDistinct(sql.lower('host'))} AS hosts, min(_time) AS first_seen, max(_time) AS last_seen,
      ${sql.sortedDistinct('image', 20)} AS images
    FROM (SELECT ${sha} AS sha256, host, _time, ${image} AS image FROM ${t} WHERE ${where.join(' AND ')}) AS x WHERE sha256 <> '' GROUP BY sha256`;
  // Signers from the Sysmon 7 loads of each SHA256 (Sysmon 1 carries no signature).
  const loads = `SELECT sha256, ${sql.sortedDistinct('signature', undefined, `signature NOT IN ${SIGNER_NULLS}`)} AS signers,
      ${sql.anyTrue(`${sql.lower('signed')} = 'true'`, 'signed IS NOT NULL')} AS signed
    FROM (SELECT ${sha} AS sha256, ${signature} AS signature, ${signed} AS signed FROM ${t} WHERE event_id = 7) AS y GROUP BY sha256`;
  const table = `SELECT * FROM (SELECT sha256, runs, hosts, first_seen, last_seen, images, signers, signed, ${allowedBy} AS allowed_by
      FROM (${runs}) AS r ${sql.leftJoin} (${loads}) AS s USING (sha256)) AS j ${o.hideAllowed ? 'WHERE allowed_by IS NULL' : ''}`;
  const order = o.order === 'common' ? 'runs DESC, hosts DESC, first_seen, sha256' : 'runs, hosts, first_seen, sha256';
  const [count] = await allRows(store, `SELECT count(*) AS total FROM (${table}) AS p`, params.values);
  const rows = await allRows(store, `${table} ORDER BY ${order} LIMIT ${o.limit} OFFSET ${o.offset}`, params.values);
  return { ...empty, total: Number(count?.total ?? 0), rows: rows.map((r) => prevalenceRow(sql, r)) };
}

function prevalenceRow(sql: ForensicSql, r: Row): PrevalenceRow {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const by = typeof r.allowed_by === 'string' ? r.allowed_by : null;
  return {
    sha256: String(r.sha256), runs: Number(r.runs), hosts: Number(r.hosts), first_seen: isoTime(sql.time(r.first_seen) ?? undefined), last_seen: isoTime(sql.time(r.last_seen) ?? undefined),
    images: strings(r.images), signers: strings(r.signers), signed: sql.bool(r.signed), allowed: by !== null, allowed_by: by,
  };
}
