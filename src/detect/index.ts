/**
 * Detection: Sigma rules (and Haetae's packs, which are Sigma rules) compiled into fast
 * matchers, correlations, the process tracker, and the hunt that ties them together.
 */
export * from './types.js';
export { RuleSet, parseRuleSources, type CompactRuleSet, type LoadedRule, type ParsedRuleSource, type RuleSetOptions } from './rule-set.js';
export { Hunt, HUNT_SPILL_BYTES, MatchStage, correlationDetection, hitForTransfer, type DetectionTimeline, type HuntOptions, type HuntResult, type RuleHit } from './hunt.js';
export { readRuleSources, type RuleSource } from './rule-files.js';
export { selectRuleSources, allowlistText, type RuleSelection } from './rule-sources.js';
export { parseAllowlist, allowlistFilters, type Allowlist } from './allowlist.js';
export { PACK_NAMES, packDir, packRules, packAllowlist, type PackName } from './packs.js';
export { ProcessTracker } from './process-tracker.js';
