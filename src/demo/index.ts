/** The demo dataset: deterministic IIS-webshell events for first runs and fixtures. */
export { demoEvents, prng, type DemoOptions } from './dataset.js';
