/** Formatting decoder issues for humans: file, chunk, offset, reason. */
import type { EvtxIssue } from '../evtx/index.js';

/** One line per issue: `file: chunk 3, offset 0x31000 (record 812): reason`. */
export function formatIssue(file: string, i: EvtxIssue): string {
  const where = i.chunk < 0 ? 'file header' : `chunk ${i.chunk}, offset 0x${i.offset.toString(16)}`;
  return `${file}: ${where}${i.recordId !== undefined ? ` (record ${i.recordId})` : ''}: ${i.severity}: ${i.reason}`;
}
