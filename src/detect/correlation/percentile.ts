/**
 * Percentiles over a sorted array of numbers, kept sorted as values come and go
 * (correlation spec "Value Percentile"; "median is a percentile 50").
 */

/** Index of the first element ≥ `v` in the ascending array. */
function lowerBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Inserts `v` keeping `sorted` ascending.
 *
 * @example
 * const a = [1, 3]; insertSorted(a, 2); // a = [1, 2, 3]
 */
export function insertSorted(sorted: number[], v: number): void {
  sorted.splice(lowerBound(sorted, v), 0, v);
}

/**
 * Removes one occurrence of `v` from the ascending `sorted`, if present.
 *
 * @example
 * const a = [1, 2, 2]; removeSorted(a, 2); // a = [1, 2]
 */
export function removeSorted(sorted: number[], v: number): void {
  const i = lowerBound(sorted, v);
  if (i < sorted.length && sorted[i] === v) sorted.splice(i, 1);
}

/**
 * The `p`-th percentile (0–100) of ascending, non-empty `sorted`, by linear interpolation
 * between the closest ranks: rank = p/100 × (n − 1), as spreadsheet PERCENTILE and numpy's
 * default do. p = 50 is the median; 0 the minimum; 100 the maximum.
 *
 * @example
 * interpolatedPercentile([1, 2, 3, 4], 50); // 2.5
 * interpolatedPercentile([10, 20, 30, 40, 50], 90); // 46
 */
export function interpolatedPercentile(sorted: readonly number[], p: number): number {
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}
