/**
 * `haetae token`: create, list and revoke the API tokens of `haetae serve`. The secret is
 * printed once at creation; the data directory keeps only its hash.
 */
import { TOKEN_ROLES, TokenStore, tokensFile } from '../../server/tokens.js';
import { flag, oneOf, parseCommandLine, str, UsageError } from '../args.js';
import { loadConfig } from '../config.js';

export const usage = `Usage: haetae token create --name NAME [--role read|ingest|admin] [--data DIR]
       haetae token list [--data DIR]
       haetae token revoke <id|name> [--data DIR]

API tokens for haetae serve. Roles: read (queries, tables, alerts, live streams),
ingest (shippers: the ingest endpoints only), admin (everything). The token is shown
once; the data directory keeps only its SHA-256 hash (tokens.json). A running server
picks up new and revoked tokens by itself.

Options:
  -n, --name <name>   a name for people (e.g. winlogbeat-web01)
  -r, --role <role>   ${TOKEN_ROLES.join(', ')} (default read)
  -d, --data <dir>    data directory (default ./haetae-data)
  -h, --help          show this help`;

/** Runs `haetae token`. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    name: { type: 'string', short: 'n' },
    role: { type: 'string', short: 'r' },
    data: { type: 'string', short: 'd' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  const [action, ...rest] = cl.positionals;
  const tokens = new TokenStore(tokensFile(loadConfig(str(cl, 'data')).dataDir));
  switch (action) {
    case 'create': {
      const name = str(cl, 'name');
      if (name === undefined || name.trim() === '') throw new UsageError('--name is required');
      const { record, token } = tokens.create(name, oneOf(str(cl, 'role'), 'role', TOKEN_ROLES, 'read'));
      process.stderr.write(`Created ${record.role} token ${record.id} (${record.name}). It is shown only now:\n`);
      process.stdout.write(token + '\n');
      return 0;
    }
    case 'list':
      for (const r of tokens.list()) process.stdout.write(`${r.id}  ${r.role.padEnd(6)}  ${r.created}  ${r.name}\n`);
      return 0;
    case 'revoke': {
      if (rest.length !== 1) throw new UsageError('give the id or name of the token to revoke');
      const n = tokens.revoke(rest[0]);
      if (n === 0) { process.stderr.write(`haetae token: no token '${rest[0]}'\n`); return 1; }
      process.stderr.write(`Revoked ${n} token(s).\n`);
      return 0;
    }
    default:
      throw new UsageError(action === undefined ? 'give create, list or revoke' : `unknown action '${action}'`);
  }
}
