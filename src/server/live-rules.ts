/**
 * Live rules (a server module): the detection packs and the operator's Sigma rules run
 * on every committed event, as `haetae hunt` runs them on files — the same RuleSet,
 * MatchStage and ProcessTracker — with state kept for as long as the server runs:
 * the process tracker knows every process seen since start, and correlation windows
 * span batches (events reach the CorrelationEngine in commit order, which it takes as
 * time order, clamping slightly late events; see correlation/engine.ts "Input order").
 * Each detection becomes an alert (source `rule`, name = rule title, level = rule level).
 *
 * State is in memory: a restart begins with an empty tracker and empty correlation
 * windows (a process started before the restart is still resolved by Sysmon's own
 * ParentImage field; Security 4688's parent lookup loses it).
 *
 * `GET /api/rules` reports what was loaded and the counters, including the measured
 * matching cost per event.
 */
import { CorrelationEngine } from '../detect/correlation/index.js';
import { correlationDetection, MatchStage, ProcessTracker, RuleSet, selectRuleSources, type Detection, type RuleHit } from '../detect/index.js';
import type { Event, EventValue } from '../event/index.js';
import { alertFieldName, type JsonValue } from './alert-model.js';
import type { AlertCenter } from './alerts.js';
import { EventTap } from './event-tap.js';
import { sendJson } from './http.js';
import type { RuleSettings } from './realtime-config.js';
import type { HaetaeServer, ServerModule } from './server.js';

/** Processes the tracker keeps (~420 bytes each): a day of a busy server's process starts. */
const TRACKER_RECORDS = 250_000;

/** Counters of the live rules. */
export interface LiveRuleStats {
  events: number;
  detections: number;
  /** Matches of rules below `min_level`. */
  belowMinLevel: number;
  /** Time spent matching, in ms. */
  matchMs: number;
}

/** The fields an alert of a detection carries: the rule's key fields plus where it matched. */
function detectionFields(d: Detection): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(d.fields)) out[alertFieldName(k)] = v as EventValue;
  Object.assign(out, { rule_id: d.ruleId, tags: [...d.tags], channel: d.channel, event_id: d.eventId, record_id: d.recordId, target: d.target });
  if (d.chain.length > 0) out['chain'] = [...d.chain];
  if (d.correlation) out['correlation'] = { type: d.correlation.type, events: d.correlation.events, group: { ...d.correlation.group } };
  return out;
}

/**
 * Runs rules on every committed event and raises their alerts.
 *
 * @example
 * const rules = new LiveRules(settings.rules, alerts);
 * // passed in ServerOptions.modules after the AlertCenter
 */
export class LiveRules implements ServerModule {
  readonly name = 'live rules';
  private stage: MatchStage | null = null;
  private correlation: CorrelationEngine | null = null;
  private tap: EventTap | null = null;
  private server: HaetaeServer | null = null;
  private summary = { loaded: 0, dormant: 0, notLoaded: 0, problems: [] as string[] };
  /** The event being matched (a correlation completed by it gets its process chain). */
  private current: Event | null = null;
  readonly stats: LiveRuleStats = { events: 0, detections: 0, belowMinLevel: 0, matchMs: 0 };

  constructor(private readonly settings: RuleSettings, private readonly alerts: AlertCenter) {}

  async start(server: HaetaeServer): Promise<void> {
    this.server = server;
    server.router.add({ method: 'GET', path: '/api/rules', role: 'read', handle: (ctx) => sendJson(ctx.res, 200, this.status()) });
    if (!this.settings.enabled) return;
    const { sources, problems } = selectRuleSources({ packs: this.settings.packs, rules: this.settings.dirs, allowlist: this.settings.allowlist });
    const tracker = new ProcessTracker({ maxRecords: TRACKER_RECORDS });
    const rules = RuleSet.load(sources, { tracker });
    const report = rules.report;
    this.summary = {
      loaded: report.filter((r) => r.status === 'loaded').length, dormant: report.filter((r) => r.status === 'dormant').length,
      notLoaded: report.filter((r) => r.status === 'not-loaded').length,
      problems: [...problems, ...rules.problems].map((p) => `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`)
        .concat(report.filter((r) => r.status === 'not-loaded').map((r) => `${r.file}: ${r.reasons.join('; ')}`)),
    };
    for (const p of this.summary.problems.slice(0, 20)) server.log(`live rules: ${p}`);
    this.stage = new MatchStage(rules, tracker, this.settings.minLevel);
    this.correlation = rules.correlations.length > 0 ? new CorrelationEngine(rules.correlations) : null;
    this.tap = new EventTap('live rules', (events) => this.observe(events), { log: server.log });
    this.tap.attach(server.ingest);
    server.log(`live rules: ${this.summary.loaded} rules on every ingested event (packs: ${this.settings.packs.join(', ') || 'none'}${this.settings.dirs.length ? `; rules: ${this.settings.dirs.join(', ')}` : ''})`);
  }

  async stop(): Promise<void> {
    if (this.tap && this.server) await this.tap.close(this.server.ingest);
  }

  /** Resolves when every committed event so far has been matched (tests, shutdown). */
  idle(): Promise<void> {
    return this.tap?.idle() ?? Promise.resolve();
  }

  /** Matches events (in commit order). */
  observe(events: readonly Event[]): void {
    const stage = this.stage;
    if (stage === null) return;
    const started = performance.now();
    const belowBefore = stage.belowMinLevel;
    for (const e of events) {
      this.current = e;
      stage.observe(e, undefined, (hit) => this.onHit(hit));
    }
    this.current = null;
    this.stats.events += events.length;
    this.stats.belowMinLevel += stage.belowMinLevel - belowBefore;
    this.stats.matchMs += performance.now() - started;
  }

  private onHit(hit: RuleHit): void {
    const d = hit.detection;
    const input = hit.correlationInput;
    if (input !== undefined && this.correlation !== null) {
      const match = { ruleId: d.ruleId, ruleName: hit.ruleName, time: input.time, event: input.event, field: (f: string) => input.values[f] };
      for (const c of this.correlation.observe(match)) this.raise(correlationDetection(c, { chain: c.event === this.current ? d.chain : [] }));
      // Correlation spec "Generate": a referenced rule's own matches are alerts only with `generate: true`.
      if (this.correlation.outputSuppressed({ id: d.ruleId, name: hit.ruleName })) return;
    }
    this.raise(d);
  }

  private raise(d: Detection): void {
    this.stats.detections++;
    const t = Date.parse(d.time);
    const fields = detectionFields(d);
    this.alerts.raise({
      source: 'rule', name: d.ruleTitle, level: d.level, time: Number.isNaN(t) ? null : new Date(t), host: d.host === '' ? null : d.host, fields,
      // Default key: the host and the rule's key fields (not the record id: that would make every match unique).
      key: ['host', ...Object.keys(d.fields).map(alertFieldName)],
      ...(this.settings.throttle ? { throttle: this.settings.throttle } : {}),
    });
  }

  /** What GET /api/rules answers. */
  status(): Record<string, unknown> {
    return {
      enabled: this.settings.enabled, packs: this.settings.packs, dirs: this.settings.dirs, min_level: this.settings.minLevel,
      throttle: this.settings.throttle ?? null,
      rules: { loaded: this.summary.loaded, dormant: this.summary.dormant, not_loaded: this.summary.notLoaded }, problems: this.summary.problems.slice(0, 50),
      events: this.stats.events, detections: this.stats.detections, below_min_level: this.stats.belowMinLevel,
      backlog: this.tap?.backlog ?? 0, skipped: this.tap?.dropped ?? 0,
      us_per_event: this.stats.events > 0 ? Math.round((this.stats.matchMs * 1000 / this.stats.events) * 100) / 100 : null,
      correlation: this.correlation?.stats() ?? null,
    };
  }
}
