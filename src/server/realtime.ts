/**
 * The real-time half of `haetae serve` as server modules, wired together: the alert
 * center (store, SSE, sinks), threat-intel feeds, stream queries and live rules. Started
 * in that order and stopped in reverse: the rules and streams finish the events
 * committed at shutdown before the alert center stores their last alerts.
 */
import { AlertCenter } from './alerts.js';
import { FeedRegistry } from './feeds.js';
import { LiveRules } from './live-rules.js';
import { readRealtimeSettings, type RealtimeSettings } from './realtime-config.js';
import type { HaetaeServer, ServerModule } from './server.js';
import { StreamQueries } from './streams.js';

/** The wired modules, for tests that look inside. */
export interface RealtimeModules {
  readonly alerts: AlertCenter;
  readonly feeds: FeedRegistry;
  readonly streams: StreamQueries;
  readonly rules: LiveRules;
  /** All four, in start order. */
  readonly modules: readonly ServerModule[];
}

/**
 * The modules with the given settings.
 *
 * @example
 * const rt = createRealtime(defaultRealtimeSettings());
 * const server = await HaetaeServer.start({ dataDir, port: 0, modules: rt.modules });
 */
export function createRealtime(settings: RealtimeSettings): RealtimeModules {
  const alerts = new AlertCenter(settings.sinks, settings.heartbeatMs);
  const feeds = new FeedRegistry(settings.feeds);
  const streams = new StreamQueries(alerts, feeds);
  const rules = new LiveRules(settings.rules, alerts);
  return { alerts, feeds, streams, rules, modules: [alerts, feeds, streams, rules] };
}

/**
 * The real-time modules for `haetae serve`, with settings read from `haetae.yaml` when
 * the server starts (the same file the CLI reads; see realtime-config.ts).
 *
 * @example
 * modules: [...realtimeModules()]
 */
export function realtimeModules(): ServerModule[] {
  let rt: RealtimeModules | null = null;
  const modules = ['alerts', 'feeds', 'stream queries', 'live rules'] as const;
  const pick = (server: HaetaeServer, i: number): ServerModule => {
    rt ??= createRealtime(readRealtimeSettings(server.options.dataDir));
    return rt.modules[i]!;
  };
  return modules.map((name, i): ServerModule => ({
    name,
    start: (server) => pick(server, i).start(server),
    stop: () => rt?.modules[i]?.stop() ?? Promise.resolve(),
  }));
}
