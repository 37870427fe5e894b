// `npm run bench`: every benchmark, wharf beside its reference measured in the same run, printed as a table.
import type { BenchRow } from './bench-row.js';
import { runContainersBench } from './containers-bench.js';
import { runEngineCoreBench } from './engine-core-bench.js';
import { runUnpackBench } from './unpack-bench.js';

function print(rows: readonly BenchRow[]): void {
  console.log('| benchmark | wharf | reference | ratio (>1: wharf better) | goal |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const ref = r.reference ? `${r.reference.value} ${r.unit} (${r.reference.name})` : '-';
    console.log(`| ${r.name} | ${r.wharf} ${r.unit} | ${ref} | ${r.ratio ?? '-'} | ${r.goal} |`);
  }
}

const rows: BenchRow[] = [];
rows.push(...(await runUnpackBench()));
rows.push(...(await runEngineCoreBench()));
rows.push(...(await runContainersBench()));
print(rows);
