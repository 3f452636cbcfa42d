/**
 * Every input a user has → the same Event: EVTX, Windows event XML, evtx_dump JSON,
 * NXLog and Winlogbeat JSON, Haetae's own JSON lines, rendered messages. Public face of the module.
 */
export { decodeFile, detectFormat, type DecodeOptions, type DetectedFormat } from './decode.js';
export { INPUT_FORMATS, FORMAT_DESCRIPTIONS, RecordError, type InputFormat, type InputIssue, type DecodedBatch } from './types.js';
export { eventFromXmlElement, decodeWindowsXml } from './windows-xml.js';
export { parseXmlElement, type XmlObserver } from './xml-parser.js';
export { eventFromEvtxJson } from './evtx-json.js';
export { eventFromNxlog, LocalTimeFixer } from './nxlog.js';
export { restoreSecurityLineEnds } from './line-ends.js';
export { eventFromEcs, eventToEcs } from './ecs.js';
export { eventFromHaetaeJson } from './haetae-json.js';
export { eventFromMessage, isMessageTitle } from './rendered-text.js';
export { sniff, readLines, readTextChunks, type Sniffed } from './source.js';
