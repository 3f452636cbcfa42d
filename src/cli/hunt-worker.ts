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
import { HUNT_HEAP_BUDGET_MIB, matchFile, type HuntWorkerData, type HuntWorkerMessage, type HuntWorkerRequest } from './hunt-files.js';

const data = workerData as HuntWorkerData;
if (!parentPort) throw new Error('hunt-worker must run as a worker thread');
const port = parentPort;
const tracker = new ProcessTracker({ maxRecords: data.trackerRecords });
const ruleSet = RuleSet.fromCompact(data.rules, { placeholders: data.placeholders, tracker });
const stage = new MatchStage(ruleSet, tracker, data.minLevel);
const post = (m: HuntWorkerMessage): void => port.postMessage(m);

const heap = new HeapBudget(HUNT_HEAP_BUDGET_MIB << 20);

async function hunt(file: string): Promise<void> {
  let hits: RuleHit[] = [];
  await matchFile(file, stage, data.inputFormat, (hit) => { hits.push(hitForTransfer(hit)); }, (bytes, events, issues) => {
    post({ kind: 'batch', hits, bytes, events, issues });
    hits = [];
    heap.check();
  });
}

/**
 * Files are taken one ahead: the worker asks for the next file when it starts one, so it
 * never waits for the main thread (which answers between its own batches) with nothing
 * to do; measured, asking only when done left a worker idle a quarter of the time.
 */
const pending: string[] = [];
let draining = false;
let ended = false;

async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
    post({ kind: 'ready' });
    await hunt(file);
  }
  draining = false;
  if (ended) { post({ kind: 'end', events: stage.events, belowMinLevel: stage.belowMinLevel }); port.close(); }
}

port.on('message', (req: HuntWorkerRequest) => {
  if (req.kind === 'file') pending.push(req.file);
  else ended = true;
  void drain();
});
post({ kind: 'ready' });
