/**
 * Hash prevalence: every executed image by SHA256 — how many runs, on how many hosts, first
 * and last seen, under which paths — rarest first, so the one binary that ran twice stands
 * out among the thousands of runs of the usual ones. Aggregated by DuckDB in one query.
 *
 * Runs are Sysmon 1 events; the SHA256 comes from their `Hashes` field (present only when
 * the config's HashAlgorithms includes SHA256), read as splitHashes reads it (hashSql). Sysmon 1 carries no signature; the signer is taken from Sysmon 7
 * (image loaded: `Signed`, `Signature`) of the same SHA256 when the store holds such loads.
 */
import type { Row } from '../query/value.js';
import type { Store } from '../store/types.js';
import type { Allowlist } from './allowlist.js';
import { allRows, columnSet, fieldSql, hashSql, hasTable, isoTime, sqlString, SYSMON_TABLE } from './store-rows.js';

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
  const cols = await columnSet(store, SYSMON_TABLE);
  const t = `"${SYSMON_TABLE}"`;
  const sha = hashSql(fieldSql(cols, 'Hashes'), 'SHA256');
  const image = fieldSql(cols, 'Image');
  const where: string[] = ['event_id = 1'];
  const params: (string | number)[] = [];
  if (o.host !== undefined) { where.push('lower(host) = lower(?)'); params.push(o.host); }
  if (o.image !== undefined) { where.push(`contains(lower(${image}), lower(?))`); params.push(o.image); }
  // The allowlist is inlined: hashes are checked hex, signers quoted as SQL strings.
  const hashList = [...allow.hashes].map(sqlString).join(', ');
  const signerList = [...allow.signers].map(sqlString).join(', ');
  const branches = [
    ...(hashList ? [`WHEN r.sha256 IN (${hashList}) THEN 'hash'`] : []),
    ...(signerList ? [`WHEN list_has_any(list_transform(s.signers, x -> lower(x)), [${signerList}]) THEN 'signer:' || list_filter(s.signers, x -> lower(x) IN (${signerList}))[1]`] : []),
  ];
  const allowedBy = branches.length > 0 ? `CASE ${branches.join(' ')} ELSE NULL END` : 'CAST(NULL AS VARCHAR)';
  const order = o.order === 'common' ? 'r.runs DESC, r.hosts DESC, r.first_seen, r.sha256' : 'r.runs, r.hosts, r.first_seen, r.sha256';
  const sql = (limit: number, offset: number): string => `
    WITH runs AS (
      SELECT ${sha} AS sha256, host, _time, ${image} AS image FROM ${t} WHERE ${where.join(' AND ')}
    ), r AS (
      SELECT sha256, count(*) AS runs, count(DISTINCT lower(host)) AS hosts, min(_time) AS first_seen, max(_time) AS last_seen,
             list(DISTINCT image ORDER BY image)[1:20] AS images
      FROM runs WHERE sha256 <> '' GROUP BY sha256
    ), s AS (
      SELECT ${hashSql(fieldSql(cols, 'Hashes'), 'SHA256')} AS sha256,
             list(DISTINCT ${fieldSql(cols, 'Signature')} ORDER BY ${fieldSql(cols, 'Signature')}) FILTER (WHERE ${fieldSql(cols, 'Signature')} NOT IN ${SIGNER_NULLS}) AS signers,
             bool_or(lower(${fieldSql(cols, 'Signed')}) = 'true') FILTER (WHERE ${fieldSql(cols, 'Signed')} IS NOT NULL) AS signed
      FROM ${t} WHERE event_id = 7 GROUP BY 1
    ), j AS (
      SELECT r.*, coalesce(s.signers, []) AS signers, s.signed AS signed, ${allowedBy} AS allowed_by FROM r LEFT JOIN s USING (sha256)
    )
    SELECT *, count(*) OVER () AS total FROM j r ${o.hideAllowed ? 'WHERE allowed_by IS NULL' : ''}
    ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`;
  const rows = await allRows(store, sql(o.limit, o.offset), params);
  // An offset past the end returns no row to carry the total: ask for the first row instead.
  const total = rows.length > 0 || o.offset === 0 ? Number(rows[0]?.total ?? 0) : Number((await allRows(store, sql(1, 0), params))[0]?.total ?? 0);
  return { ...empty, total, rows: rows.map(prevalenceRow) };
}

function prevalenceRow(r: Row): PrevalenceRow {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const by = typeof r.allowed_by === 'string' ? r.allowed_by : null;
  return {
    sha256: String(r.sha256), runs: Number(r.runs), hosts: Number(r.hosts), first_seen: isoTime(r.first_seen), last_seen: isoTime(r.last_seen),
    images: strings(r.images), signers: strings(r.signers), signed: typeof r.signed === 'boolean' ? r.signed : null, allowed: by !== null, allowed_by: by,
  };
}
