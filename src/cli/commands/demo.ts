/**
 * `haetae demo`: writes the demo dataset — a day of a small domain's Sysmon and Security
 * logs with an IIS webshell intrusion inside — as EVTX files, one per host and channel,
 * then shows the intrusion the way an analyst would first meet it: by hunting those
 * files with the iis-webshell pack, and by following the dropped tool to a second host.
 */
import { join } from 'node:path';
import { DEMO_STORY, demoDataset, writeEvtxPerHost } from '../../demo/index.js';
import { flag, parseCommandLine, positiveInt, str } from '../args.js';
import { huntFiles } from '../hunt-files.js';
import { formatDetection } from '../render/detections.js';

export const usage = `Usage: haetae demo [--data DIR] [--events N] [--seed S]

Write the demo dataset to DIR/demo/<HOST>/<channel>.evtx: a day of WEB01 (IIS), DC01,
FS01 and two workstations, Sysmon and Security logs, with an intrusion inside — a
webshell on WEB01 (w3wp.exe → cmd.exe → whoami.exe, w3wp.exe connecting out to a public
address, a tool dropped and run) and the same tool run on FS01 hours later. Then hunt the
files with the iis-webshell pack and print what it finds.

Options:
  -d, --data <dir>    data directory (default ./haetae-data)
  -n, --events <n>    Sysmon background events over the day (default 12000)
      --seed <s>      PRNG seed: the same seed writes the same events (default 1)
  -h, --help          show this help`;

/** Runs `haetae demo`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const cl = parseCommandLine(argv, {
    data: { type: 'string', short: 'd' },
    events: { type: 'string', short: 'n' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (flag(cl, 'help')) { process.stdout.write(usage + '\n'); return 0; }
  const dataDir = str(cl, 'data') ?? 'haetae-data';
  const dir = join(dataDir, 'demo');
  const events = demoDataset({ sysmonEvents: positiveInt(str(cl, 'events'), 'events', 12_000), seed: positiveInt(str(cl, 'seed'), 'seed', 1) });
  const files = writeEvtxPerHost(events, dir);
  const out = process.stdout;
  out.write(`Wrote ${events.length} events to ${files.length} files under ${dir}:\n${files.map((f) => `  ${f}\n`).join('')}\n`);

  const { detections } = await huntFiles(files, { packs: ['iis-webshell'], rules: [] });
  out.write(`The iis-webshell pack finds ${detections.count} detections (haetae hunt ${dir}):\n\n`);
  for (const d of detections) out.write(formatDetection(d, 'table'));

  const tool = events.filter((e) => e.event_id === 1 && String(e.data.Hashes).includes(`SHA256=${DEMO_STORY.payload.sha256}`));
  out.write(`\nThe tool the webshell dropped (SHA256 ${DEMO_STORY.payload.sha256}) ran on ${tool.length} hosts:\n`);
  for (const e of tool) out.write(`  ${e._time}  ${e.host}  ${String(e.data.Image)}  (parent ${String(e.data.ParentImage)})\n`);
  out.write(`\nTry:\n  haetae import ${dir} --data ${dataDir}\n`);
  out.write(`  haetae query --data ${dataDir} 'table sysmon | search event_id == 1 | stats count by Image, Hashes | sort -count'\n`);
  out.write(`  haetae query --data ${dataDir} 'table sysmon | search event_id == 1 and Hashes == "*${DEMO_STORY.payload.sha256}*" | fields _time, host, Image, ParentImage'\n`);
  out.write(`  haetae serve --demo   # the same dataset behind the HTTP API\n`);
  return 0;
}
