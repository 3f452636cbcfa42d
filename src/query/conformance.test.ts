/**
 * The query conformance suite on the embedded DuckDB store (runner: conformance-runner.ts).
 */
import { openStore } from '../store/index.js';
import { conformanceSuite } from './conformance-runner.js';

conformanceSuite('duckdb', () => openStore({ memory: true }));
