/**
 * `haetae demo`: writes the demo dataset — a web server's Sysmon and Security events with
 * an IIS webshell intrusion inside — as an EVTX file, then shows the intrusion by
 * decoding that file again, the way an analyst would first look at it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EvtxWriter, readEvtxFile, recordToXml } from '../../evtx/index.js';
import { eventFromXml, eventToXml } from '../../event/index.js';
import { demoEvents } from '../../demo/index.js';
import { flag, parseCommandLine, positiveInt, str } from '../args.js';

export const usage = `Usage: haetae demo [--data DIR] [--events N]

Write the demo dataset (an IIS server with a webshell: w3wp.exe → cmd.exe → whoami.exe
and w3wp.exe connecting to a public IP, in Sysmon 1/3 and Security 4688/5156) to
DIR/demo/WEB01.evtx, then decode it and print the webshell's process creations.

Options:
  -d, --data <dir>    data directory (default ./haetae-data)
  -n, --events <n>    number of events to generate (default 2000)
  -h, --help          show this help`;

/** Runs `haetae demo`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    data: { type: 'string', short: 'd' },
    events: { type: 'string', short: 'n' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  const dir = join(str(cl, 'data') ?? 'haetae-data', 'demo');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'WEB01.evtx');
  const events = demoEvents({ count: positiveInt(str(cl, 'events'), 'events', 2000) });
  const w = new EvtxWriter(path);
  for (const e of events) w.writeRecord(eventToXml(e), e._time);
  w.close();
  process.stdout.write(`Wrote ${events.length} events to ${path}.\n\nProcesses started by the IIS worker w3wp.exe (Sysmon 1), decoded back from the file:\n\n`);
  let shown = 0;
  for await (const chunk of readEvtxFile(path)) {
    for (const r of chunk.records) {
      const e = eventFromXml(r.nodes);
      if (shown < 3 && e?.event_id === 1 && String(e.data.ParentImage).toLowerCase().endsWith('\\w3wp.exe')) {
        process.stdout.write(recordToXml(r.nodes) + '\n\n');
        shown++;
      }
    }
  }
  process.stdout.write(`Try: haetae dump --format xml ${path} | grep w3wp.exe\n`);
  return 0;
}
