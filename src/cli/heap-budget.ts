/**
 * A heap budget for a long-running thread (a hunt's main thread and its workers): when
 * V8's heap passes the budget, a full collection is forced.
 *
 * Why: V8 sizes the main thread's heap against a ceiling of several GB (a quarter of RAM
 * here) and grows it lazily, ~4× its live data between full collections. A hunt keeps
 * ~40 MB live in the main thread but allocates a few KB per event, so its heap reached
 * ~430 MB over 591k events (bench/RESULTS.md "Hunt"), past issue 5's 500 MB budget with a
 * worker beside it. The ceiling can only be lowered on node's command line
 * (`--max-old-space-size`); a worker's from `resourceLimits`, which only bounds it. A full
 * collection costs time in proportion to the live data (tens of ms here), not to the
 * garbage, so collecting at a budget a few times the live size costs little.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null = null;

/**
 * V8's `gc()` function. Exposing it after start-up is what `--expose-gc` does at start-up;
 * the function is taken from a fresh context because the flag only applies to contexts
 * created after it is set.
 */
function fullCollection(): () => void {
  if (collect === null) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  return collect;
}

/**
 * Forces a full collection whenever the heap passes `budgetBytes` at a {@link check}. When
 * the live data itself nears the budget, the threshold rises to twice the live size, so a
 * heap that must be big is not collected at every check (measured: at 1.5× the forced
 * collections cost a hunt with two threads a fifth of its speed; at 2× nothing measurable).
 *
 * @example
 * const budget = new HeapBudget(160 << 20);
 * for (const batch of batches) { work(batch); budget.check(); }
 */
export class HeapBudget {
  /** Collections forced so far. */
  collections = 0;
  private readonly gc = fullCollection();
  private threshold: number;

  constructor(private readonly budgetBytes: number) {
    this.threshold = budgetBytes;
  }

  /** Collects when the heap's used bytes (live data and garbage) are over the threshold. Cheap when they are not. */
  check(): void {
    if (getHeapStatistics().used_heap_size <= this.threshold) return;
    this.gc();
    this.collections++;
    this.threshold = Math.max(this.budgetBytes, getHeapStatistics().used_heap_size * 2);
  }
}
