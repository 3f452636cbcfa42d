/**
 * Server-side paging of a query's results: when an answer stops at the page size, the
 * total comes from `<query> | stats count` and each further page from
 * `<query> | limit <offset> <size>` (the query language's two-argument limit), fetched
 * when the table first asks for one of its rows. Each page re-runs the query on the
 * server, so only the rows in view are ever in the browser, however many there are.
 */
import { runQuery, type ResultRow } from './api.js';
import type { RowSource } from './vtable.js';

/** Rows of a query, fetched a page at a time; `onPage` is called when a page arrives. */
export class PagedSource implements RowSource {
  private readonly pages = new Map<number, ResultRow[]>();
  private readonly loading = new Set<number>();
  /** The last page error, if any (shown by the console). */
  error: Error | null = null;

  constructor(private readonly query: string, readonly count: number, readonly pageSize: number, first: ResultRow[], private readonly onPage: () => void) {
    this.pages.set(0, first);
  }

  /** The total for a query whose first page was truncated. */
  static async total(query: string): Promise<number> {
    const answer = await runQuery(`${query}\n| stats count`);
    return Number(answer.rows[0]?.count ?? 0);
  }

  row(i: number): Record<string, unknown> {
    const page = Math.floor(i / this.pageSize);
    const rows = this.pages.get(page);
    if (rows) return rows[i - page * this.pageSize] ?? {};
    this.load(page);
    return {};
  }

  private load(page: number): void {
    if (this.loading.has(page)) return;
    this.loading.add(page);
    runQuery(`${this.query}\n| limit ${page * this.pageSize} ${this.pageSize}`, this.pageSize).then((answer) => {
      this.pages.set(page, answer.rows);
      // Pages far from the view are dropped so memory stays bounded while scrolling far.
      if (this.pages.size > 50) for (const p of this.pages.keys()) if (p !== 0 && p !== page && this.pages.size > 50) this.pages.delete(p);
      this.loading.delete(page);
      this.onPage();
    }, (e: Error) => { this.loading.delete(page); this.error = e; this.onPage(); });
  }
}
