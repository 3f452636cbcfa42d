#!/usr/bin/env node
/**
 * The `haetae` command: a thin dispatcher over the modules. Each command lives in
 * `commands/<name>.ts` and exports `usage` and `run(argv) → exit code`.
 */
import { UsageError } from './args.js';

interface Command {
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  dump: { summary: 'decode EVTX files to Event JSON lines, Windows XML or evtx_dump JSON', load: () => import('./commands/dump.js') },
  export: { summary: 'convert events to another format, e.g. write an EVTX file', load: () => import('./commands/export.js') },
  hunt: { summary: 'run Sigma rules and Haetae packs over event files; print a timeline of detections', load: () => import('./commands/hunt.js') },
  import: { summary: 'store events from EVTX, XML or JSON files in the data directory (DuckDB) or a ClickHouse cluster', load: () => import('./commands/import.js') },
  tables: { summary: 'list the stored tables with event counts and time ranges', load: () => import('./commands/tables.js') },
  query: { summary: 'run a Logpresso-style pipe query on the stored events', load: () => import('./commands/query.js') },
  forensics: { summary: 'process trees, hash prevalence, spread, connections and IOC matches on the stored events', load: () => import('./commands/forensics.js') },
  demo: { summary: 'write the demo dataset (an IIS webshell intrusion) and show it', load: () => import('./commands/demo.js') },
  generate: { summary: 'generate realistic Sysmon events of a simulated fleet at any scale', load: () => import('./commands/generate.js') },
  store: { summary: 'operate a ClickHouse store: migrate the schema, stats of shards and spool, retention', load: () => import('./commands/store.js') },
  serve: { summary: 'run the server: ingest from shippers, query API, stream queries and alerts', load: () => import('./commands/serve.js') },
  token: { summary: 'create, list and revoke API tokens of haetae serve', load: () => import('./commands/token.js') },
  stream: { summary: 'list, create, enable, disable and delete stream queries of a running server', load: () => import('./commands/stream.js') },
  sysmon: { summary: 'write, lint and simulate Sysmon configs; audit settings and a verification script', load: () => import('./commands/sysmon.js') },
};

const USAGE = `Usage: haetae <command> [options]

Haetae finds attackers in Windows event logs (Sysmon and Security).

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`).join('\n')}

Run 'haetae <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(pkg.version + '\n');
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`haetae: unknown command '${name}'\n\n${USAGE}\n`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`haetae ${name}: ${e.message}\nRun 'haetae ${name} --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
}

// A closed pipe (`haetae dump … | head`) ends the run quietly, as Unix tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`haetae: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 70;
  },
);
