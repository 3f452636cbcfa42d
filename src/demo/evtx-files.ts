/**
 * Writes events as the EVTX files Windows keeps them in: one folder per host, one file
 * per channel, named as in `%SystemRoot%\System32\winevt\Logs` (`/` in a channel name
 * becomes `%4`: `Microsoft-Windows-Sysmon%4Operational.evtx`). What `haetae demo` writes,
 * so the files can be collected, hunted and imported like a real case.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eventToXml, type Event } from '../event/index.js';
import { EvtxWriter } from '../evtx/index.js';

/**
 * The file name Windows gives a channel's log.
 *
 * @example
 * channelFileName('Microsoft-Windows-Sysmon/Operational') // 'Microsoft-Windows-Sysmon%4Operational.evtx'
 */
export function channelFileName(channel: string): string {
  return `${channel.replaceAll('/', '%4').replace(/[\\:*?"<>|]/g, '_')}.evtx`;
}

/**
 * Writes `events` (in the order given, which should be time order) under `dir` as
 * `<host short name>/<channel file>`; returns the files written, sorted.
 *
 * @example
 * writeEvtxPerHost(demoDataset(), 'haetae-data/demo') // ['haetae-data/demo/DC01/Microsoft-Windows-Sysmon%4Operational.evtx', …]
 */
export function writeEvtxPerHost(events: Iterable<Event>, dir: string): string[] {
  const writers = new Map<string, EvtxWriter>();
  try {
    for (const e of events) {
      // A folder name from the host's short name, kept to safe characters (events may come from anywhere).
      const host = (e.host.split('.')[0] ?? '').replace(/[^A-Za-z0-9_-]/g, '_') || 'unknown-host';
      const path = join(dir, host, channelFileName(e.channel));
      let w = writers.get(path);
      if (w === undefined) {
        mkdirSync(join(dir, host), { recursive: true });
        w = new EvtxWriter(path);
        writers.set(path, w);
      }
      w.writeRecord(eventToXml(e), e._time);
    }
  } finally {
    for (const w of writers.values()) w.close();
  }
  return [...writers.keys()].sort();
}
