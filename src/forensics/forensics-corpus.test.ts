/** The corpus forensics suite (src/testing/forensics-corpus-suite.ts) on memory DuckDB stores. */
import { openStore } from '../store/index.js';
import { forensicsCorpusSuite } from '../testing/forensics-corpus-suite.js';

forensicsCorpusSuite('duckdb', () => openStore({ memory: true }));
