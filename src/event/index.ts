/** The normalized Event model and its builders. Public face of the module. */
export { emptyEvent, setField, type Event, type EventValue } from './event.js';
export { daysInMonth, eventTimeMs } from './time.js';
export { eventFromRecord, eventFromXml, type SourceInstance, type SourceNode, type SourceValue } from './from-xml.js';
export { eventToXml, type EventXmlNode } from './to-xml.js';
export { SYSMON_PROVIDER, SYSMON_TITLES, renderSysmonMessage, parseSysmonMessage, type ParsedSysmonMessage } from './sysmon-message.js';
export { renderSecurityMessage, parseSecurityMessage, securityMessageTemplates, securityMessageTitles, SECURITY_PROVIDER, type ParsedSecurityMessage } from './security-message.js';
export { renderLine, GENERIC_RENDERING_MARK } from './render-line.js';
export { eventFields, fieldTypes, typedData, coerceValue, type FieldSpec, type FieldType } from './field-catalog.js';
export { classifyIp, ipAddressBytes, learnVolume, ntPathToDrivePath, processId, splitHashes, type FileHashes, type IpClass } from './normalize.js';
