/** Formatting decoder issues for humans: file, then line or chunk and offset, then the reason. */
import type { EvtxIssue } from '../evtx/index.js';
import type { InputIssue } from '../formats/index.js';

/** One line per issue: `file: chunk 3, offset 0x31000 (record 812): reason`. */
export function formatIssue(file: string, i: EvtxIssue): string {
  const where = i.chunk < 0 ? 'file header' : `chunk ${i.chunk}, offset 0x${i.offset.toString(16)}`;
  return `${file}: ${where}${i.recordId !== undefined ? ` (record ${i.recordId})` : ''}: ${i.severity}: ${i.reason}`;
}

/** One line per input issue: `file:12: error: reason` (text formats) or `file: chunk 3, offset 0x…: …` (EVTX). */
export function formatInputIssue(i: InputIssue): string {
  let where = '';
  if (i.line !== undefined) where = `:${i.line}`;
  else if (i.chunk !== undefined) where = i.chunk < 0 ? ': file header' : `: chunk ${i.chunk}, offset 0x${(i.offset ?? 0).toString(16)}`;
  return `${i.file}${where}: ${i.severity}: ${i.reason}`;
}
