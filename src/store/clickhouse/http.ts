/**
 * One ClickHouse server over its HTTP interface: statements, inserts, and results streamed
 * as JSONEachRow lines. Settings travel as URL parameters (18.16 has no `SETTINGS` clause
 * after `FORMAT`); credentials as HTTP basic auth, never in the URL.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ClickHouseAddress, ClickHouseEndpoint } from './url.js';

/** An error ClickHouse returned: its code (e.g. 60 unknown table) and the server that said it. */
export class ClickHouseError extends Error {
  override readonly name = 'ClickHouseError';
  constructor(readonly server: string, readonly code: number | null, message: string) {
    super(`ClickHouse ${server}: ${message}`);
  }
}

/** A server that cannot be reached (refused, reset, timed out): the request may be retried. */
export class ClickHouseUnreachableError extends Error {
  override readonly name = 'ClickHouseUnreachableError';
  constructor(readonly server: string, reason: string, cause?: unknown) {
    super(`ClickHouse ${server} is unreachable: ${reason}`, { cause });
  }
}

/**
 * Settings every request carries: exact 64-bit integers in JSON output. Unknown input
 * fields stay an error (ClickHouse's default): a column missing on a shard must never
 * silently drop values.
 */
const BASE_SETTINGS: Readonly<Record<string, string>> = {
  output_format_json_quote_64bit_integers: '0',
};

const CONNECT_TIMEOUT_MS = 5_000;
const IDLE_TIMEOUT_MS = 300_000;

/** `Code: 60, e.displayText() = DB::Exception: …` → code and the readable part. */
function parseServerError(text: string): { code: number | null; message: string } {
  const m = /Code:\s*(\d+)[,.]\s*(?:e\.displayText\(\)\s*=\s*)?(?:DB::Exception:\s*)?([\s\S]*?)(?:,\s*e\.what\(\)\s*=\s*DB::Exception)?\s*$/.exec(text.trim());
  return m === null ? { code: null, message: text.trim().slice(0, 2000) } : { code: Number(m[1]), message: m[2]!.trim() };
}

/** One server of the cluster. */
export class ClickHouseServer {
  /** `host:port`, for messages. */
  readonly label: string;
  private readonly agent: HttpAgent;
  private readonly auth: string;

  constructor(readonly endpoint: ClickHouseEndpoint, private readonly address: ClickHouseAddress) {
    this.label = `${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
    this.agent = address.secure ? new HttpsAgent({ keepAlive: true, maxSockets: 8 }) : new HttpAgent({ keepAlive: true, maxSockets: 8 });
    this.auth = 'Basic ' + Buffer.from(`${address.user}:${address.password}`).toString('base64');
  }

  private open(sql: string | null, body: string | Buffer, settings: Readonly<Record<string, string>>): Promise<IncomingMessage> {
    const params = new URLSearchParams({ database: this.address.database, ...BASE_SETTINGS, ...settings });
    if (sql !== null) params.set('query', sql);
    const request = this.address.secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request({
        host: this.endpoint.host, port: this.endpoint.port, method: 'POST', path: `/?${params.toString()}`, agent: this.agent,
        headers: { authorization: this.auth, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) },
      }, resolve);
      const connectTimer = setTimeout(() => req.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      req.once('socket', (s) => { if (!s.connecting) clearTimeout(connectTimer); else s.once('connect', () => clearTimeout(connectTimer)); });
      req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${IDLE_TIMEOUT_MS / 1000} s`)));
      req.once('error', (e) => { clearTimeout(connectTimer); reject(new ClickHouseUnreachableError(this.label, e.message, e)); });
      req.once('response', () => clearTimeout(connectTimer));
      req.end(body);
    });
  }

  private async fail(res: IncomingMessage): Promise<never> {
    const text = await readAll(res).catch((e: Error) => `(reading the error failed: ${e.message})`);
    const { code, message } = parseServerError(text);
    throw new ClickHouseError(this.label, code, message);
  }

  /** Runs a statement; returns the whole response text. */
  async exec(sql: string, settings: Readonly<Record<string, string>> = {}): Promise<string> {
    const res = await this.open(null, sql, settings);
    if (res.statusCode !== 200) return this.fail(res);
    return readAll(res).catch((e: Error) => { throw new ClickHouseUnreachableError(this.label, e.message, e); });
  }

  /** Sends rows (`body`, in the statement's FORMAT) with an INSERT statement. */
  async insert(sql: string, body: string | Buffer, settings: Readonly<Record<string, string>> = {}): Promise<void> {
    const res = await this.open(sql, body, settings);
    if (res.statusCode !== 200) return this.fail(res);
    await readAll(res).catch((e: Error) => { throw new ClickHouseUnreachableError(this.label, e.message, e); });
  }

  /** Rows of a `… FORMAT JSONEachRow` query, parsed, in batches as they arrive. */
  async *rows(sql: string, settings: Readonly<Record<string, string>> = {}): AsyncGenerator<Record<string, unknown>[]> {
    const res = await this.open(null, sql, settings);
    if (res.statusCode !== 200) await this.fail(res);
    let rest = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        const text = rest + decoder.decode(chunk, { stream: true });
        const lines = text.split('\n');
        rest = lines.pop()!;
        const batch: Record<string, unknown>[] = [];
        for (const line of lines) if (line !== '') batch.push(this.parseLine(line));
        if (batch.length > 0) yield batch;
      }
    } catch (e) {
      if (e instanceof ClickHouseError) throw e;
      throw new ClickHouseUnreachableError(this.label, (e as Error).message, e);
    } finally {
      res.destroy();
    }
    rest += decoder.decode();
    if (rest.trim() !== '') yield [this.parseLine(rest)];
  }

  /** A result line; an error ClickHouse writes after the rows it had already sent is thrown. */
  private parseLine(line: string): Record<string, unknown> {
    if (line.startsWith('{')) {
      try { return JSON.parse(line) as Record<string, unknown>; } catch { /* fall through: an error text */ }
    }
    const { code, message } = parseServerError(line);
    throw new ClickHouseError(this.label, code, message);
  }

  /** Closes idle connections. */
  close(): void {
    this.agent.destroy();
  }
}

async function readAll(res: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of res as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}
