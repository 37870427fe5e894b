/**
 * BenchRow is one line of `npm run bench`: a wharf figure beside its reference measured in the same run.
 * `ratio` is reference/wharf for times (higher is better for wharf) and wharf/reference for throughputs, so
 * a ratio above 1 always means wharf did better.
 */
export interface BenchRow {
  readonly name: string;
  readonly wharf: number;
  readonly reference?: { readonly name: string; readonly value: number };
  readonly unit: 'ms' | 'MB/s' | 'MB';
  readonly ratio?: number;
  readonly goal: string;
}
