/**
 * EVTX: the Windows XML Event Log binary format — reading (header, chunks, BinXML,
 * templates → records) and writing. Public face of the module.
 */
export { EvtxFormatError } from './bytes.js';
export { parseFileHeader, isEvtxSignature, CHUNK_SIZE, FILE_HEADER_SIZE, FILE_SIGNATURE, FLAG_DIRTY, FLAG_FULL, type EvtxFileHeader } from './file-header.js';
export { decodeChunk, type ChunkHeader, type DecodedChunk, type EvtxIssue, type EvtxRecord, type ChunkDecodeOptions } from './chunk.js';
export { decodeEvtx, readEvtxFile, readEvtxFileSync, chunkSlots, type EvtxFileReadOptions } from './reader.js';
export { ValueType, type XmlNode, type XmlElement, type XmlValue, type XmlTemplate, type XmlFragment, type XmlTemplateInstance } from './xml-tree.js';
export { recordToEvtxJson } from './render-json.js';
export { recordToXml } from './render-xml.js';
export { decodeFilesParallel, EvtxDecoderPool, defaultThreads, type DecoderPoolOptions, type ParallelDecodeOptions, type DecodedSlice, type ChunkRenderer } from './parallel.js';
export { EvtxWriter, EvtxWriteError, type WritableNode } from './writer.js';
