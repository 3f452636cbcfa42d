/**
 * Which events a Sysmon config filters, and their fields as the rule engine sees them.
 * Input events come from any decoder (EVTX, XML, JSON shapes) or the store; plain JSON
 * lines of Sysmon fields (`{"EventID": 1, "Image": …}`) arrive without provider or channel
 * and are taken as Sysmon events too.
 */
import { SYSMON_PROVIDER, type Event } from '../event/index.js';

const SYSMON_CHANNEL = 'microsoft-windows-sysmon/operational';

/**
 * Whether Sysmon wrote the event (by provider or channel), or whether it carries no source
 * at all (plain Sysmon field records), so that a config applies to it.
 */
export function isSysmonEvent(e: Pick<Event, 'provider' | 'channel'>): boolean {
  if (e.provider === SYSMON_PROVIDER || e.channel.toLowerCase() === SYSMON_CHANNEL) return true;
  return e.provider === '' && e.channel === '';
}
