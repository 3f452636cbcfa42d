/** Demo and benchmark data: the demo dataset (a small domain's day with an IIS webshell intrusion), its building blocks, and the fleet-scale Sysmon generator. */
export { demoEvents, prng, type DemoOptions } from './dataset.js';
export { demoDataset, demoHosts, DEMO_HOSTS, type DemoDatasetOptions } from './demo-dataset.js';
export { DEMO_START, DEMO_STORY, storyTime, webshellIntrusion, type StoryStep, type StoryEvents } from './story.js';
export {
  generateSysmonEvents, fleetHosts, sysmonProcessGuid, EVENT_MIX, FLEET_DOMAIN, SYSMON_EVENT_VERSIONS, WEBSHELL_ATTACKER_IP, WEBSHELL_HOST,
  type GeneratorOptions, type FleetHost, type FleetImage, type FleetProcess,
} from './generator.js';
export { writeEvtxPerHost, channelFileName } from './evtx-files.js';
