/**
 * The console's link to the server: the token (kept in sessionStorage, so it ends with
 * the tab), JSON calls with `Authorization: Bearer`, and SSE URLs with `?access_token=`
 * (EventSource cannot set headers; the server accepts the parameter on GET only).
 */

const TOKEN_KEY = 'haetae.token';

/** The signed-in token, or null. */
export function currentToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Stores (or, with null, forgets) the token. */
export function setToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** A failed API call: the HTTP status and the server's JSON answer. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Calls the API; a 401 forgets the token and sends the user back to the login form. */
export async function api<T>(method: string, path: string, body?: unknown, token = currentToken()): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${token ?? ''}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: Record<string, unknown>;
  try { json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>); } catch { json = { error: text }; }
  if (!res.ok) {
    if (res.status === 401 && token === currentToken()) {
      setToken(null);
      window.dispatchEvent(new Event('haetae:logout'));
    }
    throw new ApiError(res.status, typeof json.error === 'string' ? json.error : `HTTP ${res.status}`, json);
  }
  return json as T;
}

/** One result row as the query API sends it. */
export type ResultRow = Record<string, unknown>;

/** The query API's answer. */
export interface QueryAnswer {
  readonly rows: ResultRow[];
  readonly count: number;
  readonly truncated: boolean;
  readonly ms: number;
}

/** Runs a query (POST /api/query); `limit` caps the rows (the server caps them too). */
export function runQuery(query: string, limit?: number): Promise<QueryAnswer> {
  return api<QueryAnswer>('POST', '/api/query', limit === undefined ? { query } : { query, limit });
}

/** A string literal of the query language (double quotes; backslashes and quotes escaped). */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The URL of an SSE endpoint with the token as a parameter. */
export function streamUrl(path: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(currentToken() ?? '')}`;
}
