/**
 * `npm run bench`: runs the benchmarks (never part of `npm test`) and writes BENCHMARKS.md with
 * the command, the machine and each figure (the median of several rounds, with its baseline
 * measured in the same run and the ratio).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { engineSections, runEngineBench } from './engine.ts';
import { editorSimulationLines, runEditorSimulationBench } from './editor-simulation.ts';
import { httpSection, runHttpBench } from './http.ts';
import { runSimulationBench, simulationSection } from './simulation.ts';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
// The machine may be shared: its load (runnable processes, 1-minute average) says how much.
const loadAtStart = os.loadavg()[0]!;
const started = performance.now();
const engine = await runEngineBench();
const figures = engine.figures;
const editorSimulation = await runEditorSimulationBench();
const lines = [
  '# Benchmarks',
  '',
  'Produced by `npm run bench` (bench/run.ts). Figures are medians of 5 rounds; each baseline runs in the same',
  'process, interleaved round by round, so ratios hold on a noisy shared machine.',
  '',
  `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| figure | ops/s | baseline | baseline ops/s | ratio |',
  '| --- | ---: | --- | ---: | ---: |',
  ...figures.map((f) => `| ${f.name} | ${fmt(f.opsPerSec)} | ${f.baseline?.name ?? ''} | ${f.baseline ? fmt(f.baseline.opsPerSec) : ''} | ${f.baseline ? `${f.baseline.ratio.toFixed(1)}×` : ''} |`),
  '',
  ...engineSections(engine),
];
lines.push(...editorSimulationLines(editorSimulation));
lines.push(...simulationSection(await runSimulationBench()));
lines.push(...httpSection(await runHttpBench()));
const loadAtEnd = os.loadavg()[0]!;
const busy = Math.max(loadAtStart, loadAtEnd) > os.cpus().length;
lines.splice(
  6,
  0,
  '',
  `Run took ${((performance.now() - started) / 60_000).toFixed(1)} min; load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end, on ${os.cpus().length} cores${busy ? ': **a loaded machine** (other work shared the cores), so absolute figures are low and noisy; the ratios, measured against baselines in the same rounds, are what to compare' : ''}.`,
);
writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), lines.join('\n'));
console.log(lines.join('\n'));
