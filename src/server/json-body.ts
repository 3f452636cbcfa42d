/** JSON request bodies of the definition endpoints (stream queries, feeds). */
import { HttpError, readBody, type RequestContext } from './http.js';

/** Largest definition body: a query, a few settings. */
const MAX_DEFINITION_BYTES = 256 * 1024;

/**
 * The request's JSON body; a 400 that shows the expected shape when it is not JSON.
 *
 * @example
 * const def = parseStreamDefinition(await jsonBody(ctx, '{"name": …, "query": …}'));
 */
export async function jsonBody(ctx: RequestContext, example: string): Promise<unknown> {
  const body = await readBody(ctx.req, MAX_DEFINITION_BYTES);
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, `expected a JSON body, e.g. ${example}`);
  }
}
