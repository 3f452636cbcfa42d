/** Demo and benchmark data: the small IIS-webshell dataset and the fleet-scale Sysmon generator. */
export { demoEvents, prng, type DemoOptions } from './dataset.js';
export { generateSysmonEvents, EVENT_MIX, WEBSHELL_ATTACKER_IP, WEBSHELL_HOST, type GeneratorOptions } from './generator.js';
