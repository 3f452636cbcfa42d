/**
 * What `haetae hunt` finds with a built-in pack: the reference the live-rule tests compare
 * a server's alerts with.
 */
import { Hunt, MatchStage, ProcessTracker, RuleSet, selectRuleSources, type Detection } from '../detect/index.js';
import type { Event } from '../event/index.js';

/**
 * The detections of the `iis-webshell` pack over `events`, in input order, as a hunt makes them.
 *
 * @example
 * const expected = iisPackDetections(demoDataset());
 */
export function iisPackDetections(events: readonly Event[]): Detection[] {
  const tracker = new ProcessTracker();
  const set = RuleSet.load(selectRuleSources({ packs: ['iis-webshell'], rules: [] }).sources, { tracker });
  const hunt = new Hunt(set);
  const stage = new MatchStage(set, tracker);
  for (const e of events) stage.observe(e, undefined, (hit) => hunt.add(hit));
  return [...hunt.finish().detections];
}
