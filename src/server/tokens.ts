/**
 * API tokens: created with `haetae token create`, shown once, stored only as SHA-256
 * hashes in `<data>/tokens.json` (mode 0600). A token is 32 random bytes: far beyond
 * guessing, so a fast hash is enough (a slow password hash protects low-entropy secrets).
 *
 * Roles: `read` (queries, tables, alerts, live streams), `ingest` (shippers: the ingest
 * endpoints only), `admin` (everything, including stream queries, feeds and rules).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What a token may do. */
export const TOKEN_ROLES = ['read', 'ingest', 'admin'] as const;
/** One of {@link TOKEN_ROLES}. */
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** A stored token (never the secret itself). */
export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: TokenRole;
  /** SHA-256 of the whole token, hex. */
  readonly hash: string;
  readonly created: string;
}

/** Whether a token of `role` may do what `needed` requires. */
export function roleAllows(role: TokenRole, needed: TokenRole): boolean {
  return role === 'admin' || role === needed;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The tokens file of a data directory. */
export function tokensFile(dataDir: string): string {
  return join(dataDir, 'tokens.json');
}

/** The token store of one data directory. */
export class TokenStore {
  private records: TokenRecord[];

  constructor(private readonly file: string) {
    this.records = existsSync(file) ? TokenStore.read(file) : [];
  }

  private static read(file: string): TokenRecord[] {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!Array.isArray(doc)) throw new Error(`${file}: expected a list of tokens`);
    return doc.filter((r): r is TokenRecord => typeof r === 'object' && r !== null && typeof (r as TokenRecord).hash === 'string' && (TOKEN_ROLES as readonly string[]).includes((r as TokenRecord).role));
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.records, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  /** Creates a token; returns its record and the secret, which is not stored and cannot be shown again. */
  create(name: string, role: TokenRole): { record: TokenRecord; token: string } {
    const id = randomBytes(6).toString('hex');
    const token = `hae_${id}_${randomBytes(32).toString('base64url')}`;
    const record: TokenRecord = { id, name, role, hash: sha256(token), created: new Date().toISOString() };
    this.records.push(record);
    this.save();
    return { record, token };
  }

  /** Every token record. */
  list(): readonly TokenRecord[] {
    return this.records;
  }

  /** Deletes a token by id or name; returns how many were deleted. */
  revoke(idOrName: string): number {
    const before = this.records.length;
    this.records = this.records.filter((r) => r.id !== idOrName && r.name !== idOrName);
    if (this.records.length !== before) this.save();
    return before - this.records.length;
  }

  /** Re-reads the file (tokens created by the CLI while the server runs). */
  reload(): void {
    this.records = existsSync(this.file) ? TokenStore.read(this.file) : [];
  }

  /**
   * The record of a presented token, or null. Compares hashes in constant time. An unknown
   * token re-reads the file (at most once a second), so tokens created by `haetae token
   * create` while the server runs work at once, and revoked ones stop working.
   */
  verify(token: string): TokenRecord | null {
    const found = this.find(token);
    if (found !== null) return found;
    const now = Date.now();
    if (now - this.reloadedAt < 1000) return null;
    this.reloadedAt = now;
    this.reload();
    return this.find(token);
  }

  private reloadedAt = 0;

  private find(token: string): TokenRecord | null {
    const presented = Buffer.from(sha256(token), 'hex');
    for (const r of this.records) {
      const stored = Buffer.from(r.hash, 'hex');
      if (stored.length === presented.length && timingSafeEqual(stored, presented)) return r;
    }
    return null;
  }
}
