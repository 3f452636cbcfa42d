/**
 * A hunt worker thread: rebuilds the main thread's rule set from its plain-data form (the
 * YAML is parsed and checked once per hunt, not once per thread; a rule's predicate is
 * compiled when it first passes its prefilter here), then decodes and matches the files the
 * main thread hands it, one at a time, posting rule hits, progress and input problems.
 * Each worker has its own process tracker, so process chains are per file set of that
 * worker (a host's Sysmon file carries its own parents; see README "haetae hunt").
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hitForTransfer, MatchStage, ProcessTracker, RuleSet, type RuleHit } from '../detect/index.js';
import { HeapBudget } from './heap-budget.js';
import { HUNT_HEAP_BUDGET_MIB, matchFile, MAX_FILES_AHEAD, type HuntWorkerData, type HuntWorkerMessage, type HuntWorkerRequest } from './hunt-files.js';

const data = workerData as HuntWorkerData;
if (!parentPort) throw new Error('hunt-worker must run as a worker thread');
const port = parentPort;
const tracker = new ProcessTracker({ maxRecords: data.trackerRecords });
const ruleSet = RuleSet.fromCompact(data.rules, { placeholders: data.placeholders, tracker });
const stage = new MatchStage(ruleSet, tracker, data.minLevel);
const post = (m: HuntWorkerMessage): void => port.postMessage(m);

const heap = new HeapBudget(HUNT_HEAP_BUDGET_MIB << 20);

async function hunt(file: string): Promise<void> {
  post({ kind: 'start', file });
  let hits: RuleHit[] = [];
  await matchFile(file, stage, data.inputFormat, (hit) => { hits.push(hitForTransfer(hit)); }, (bytes, events, issues) => {
    post({ kind: 'batch', hits, bytes, events, issues });
    hits = [];
    heap.check();
  });
}

/**
 * Files are asked for ahead: when fewer than {@link LOW_WATER} wait, the worker asks for
 * more (hunt-files.ts hands out a few at once), so it never waits with nothing to do while
 * the main thread, which answers between its own batches, finishes one.
 */
const LOW_WATER = MAX_FILES_AHEAD / 2;
const pending: string[] = [];
let asked = false;
let draining = false;
let ended = false;

function askIfLow(): void {
  if (asked || ended || pending.length >= LOW_WATER) return;
  asked = true;
  post({ kind: 'ready' });
}

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  for (;;) {
    askIfLow();
    const file = pending.shift();
    if (file === undefined) break;
    await hunt(file);
  }
  draining = false;
  if (ended && pending.length === 0) { post({ kind: 'end', events: stage.events, belowMinLevel: stage.belowMinLevel }); port.close(); }
}

port.on('message', (req: HuntWorkerRequest) => {
  asked = false;
  if (req.kind === 'files') pending.push(...req.files);
  else ended = true;
  void drain();
});
void drain();
