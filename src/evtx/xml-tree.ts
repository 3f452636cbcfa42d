/**
 * The decoded form of BinXML: an XML tree whose leaves may be *substitutions* — holes
 * filled per record from the template instance's value array. Templates are decoded
 * once per chunk and shared by every record that instantiates them; a record is then
 * just `(template, values)`. Renderers and the Event builder walk the template with
 * the values instead of materialising a tree per record.
 *
 * Token semantics follow libyal's EVTX notes §"Binary XML" and MS-EVEN6 §2.2.12.
 */

/** BinXML value types (MS-EVEN6 §2.2.12 "Value Types"); `| ARRAY` marks an array. */
export const ValueType = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SystemTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
  Array: 0x80,
} as const;

/**
 * A decoded value. Strings, numbers and booleans map directly; 64-bit integers beyond
 * 2^53 are bigints; hex integers, SIDs, GUIDs (uppercase, no braces), binary (uppercase
 * hex), FILETIME (ISO 8601 with 7 fractional digits) and SYSTEMTIME are strings; arrays
 * are arrays; a nested BinXML value is an {@link XmlNode} list.
 */
export type XmlValue = null | string | number | bigint | boolean | XmlValue[] | XmlFragment;

/** A nested BinXML value (type 0x21): its nodes, which may contain template instances. */
export interface XmlFragment {
  readonly kind: 'fragment';
  readonly nodes: XmlNode[];
}

/** An element with its attributes (in document order) and children. */
export interface XmlElement {
  readonly kind: 'element';
  readonly name: string;
  readonly attributes: XmlAttribute[];
  readonly children: XmlNode[];
}

/** An attribute; its value is a sequence of text, substitution and reference nodes. */
export interface XmlAttribute {
  readonly name: string;
  readonly value: XmlNode[];
}

/** Literal character data (value token of string type, or CDATA when `cdata`). */
export interface XmlText {
  readonly kind: 'text';
  readonly text: string;
  readonly cdata: boolean;
}

/** A literal value token of a non-string type (rare, but legal in BinXML). */
export interface XmlLiteral {
  readonly kind: 'literal';
  readonly type: number;
  readonly value: XmlValue;
}

/** A hole filled from the instance values; optional ones vanish when the value is empty. */
export interface XmlSubstitution {
  readonly kind: 'subst';
  readonly index: number;
  readonly type: number;
  readonly optional: boolean;
}

/** `&#N;` */
export interface XmlCharRef {
  readonly kind: 'charref';
  readonly code: number;
}

/** `&name;` */
export interface XmlEntityRef {
  readonly kind: 'entityref';
  readonly name: string;
}

/** `<?target data?>` */
export interface XmlProcessingInstruction {
  readonly kind: 'pi';
  readonly target: string;
  readonly data: string;
}

/** A template instance: the shared template and this instance's values and their types. */
export interface XmlTemplateInstance {
  readonly kind: 'instance';
  readonly template: XmlTemplate;
  readonly values: XmlValue[];
  readonly types: readonly number[];
}

/**
 * A template definition. Decoded once, then shared by every record that instantiates it
 * — across chunks and files when the definition is the same (see binxml.ts).
 */
export interface XmlTemplate {
  /** Chunk-relative offset of the definition where it was first decoded. */
  readonly offset: number;
  /**
   * The definition's GUID (uppercase, no braces). Absent from the synthetic templates
   * standing for the structure of records written without templates (plain-record.ts).
   */
  readonly guid?: string;
  readonly nodes: XmlNode[];
  /**
   * What consumers derive from the template and keep with it (the Event builder's
   * compiled plans): no part of what the template means, so not enumerable. The decoder
   * defines it when it creates a template, so that every template has the same shape.
   */
  memo?: unknown;
}

/** Any node of a decoded BinXML stream. */
export type XmlNode =
  | XmlElement
  | XmlText
  | XmlLiteral
  | XmlSubstitution
  | XmlCharRef
  | XmlEntityRef
  | XmlProcessingInstruction
  | XmlTemplateInstance;
