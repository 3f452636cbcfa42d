/**
 * Sigma rules (spec v2.1): parse YAML into documents with precise problems, compile
 * detection rules into fast matchers with prefilters, apply global filters.
 *
 * @example
 * const { documents, problems } = parseSigmaText(text, file);
 * const rule = documents.find((d) => d.kind === 'detection');
 * if (rule?.kind === 'detection') compileDetection(rule, target).matches(event);
 */
export { parseSigmaText } from './parse.js';
export { compileDetection, compilePredicate, type CompileOptions } from './compile.js';
export { prefilterAccessor, prefilterHolds } from './prefilter.js';
export { applyFilters, type FilterResult } from './filters.js';
export { parseCondition, printCondition, identifierMatches, ConditionError, type ConditionNode } from './condition.js';
export { parseSigmaString, printPattern, type Pattern, type PatternPart } from './pattern.js';
export { checkModifiers, translateRegex, base64OffsetVariants, parseCidr, WINDASH } from './modifiers.js';
export {
  MODIFIERS, SigmaCompileError,
  type Modifier, type SigmaScalar, type FieldMatch, type Selection, type ConditionText, type DetectionModel,
  type DetectionRuleDoc, type CorrelationDoc, type FilterDoc, type SigmaDocument,
} from './model.js';
