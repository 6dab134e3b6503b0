// A sweep's accuracy against one cost (MACs, batch-1 latency, or training time), the Pareto front
// drawn as a line through its points and the points off the front greyed.
import { type FrontCost, pointCost, type SweepFile } from '../../sweep/index.js';
import type { VegaLiteSpec } from '../html.js';

const AXES: Record<FrontCost, { title: string; chart: string; scale: (sweep: SweepFile) => number }> = {
  macs: { title: 'MACs kept (% of the dense network)', chart: 'Accuracy against MACs', scale: (sweep) => 100 / sweep.dense.macs },
  latency: { title: 'CPU latency at batch 1 (ms, median)', chart: 'Accuracy against inference latency', scale: () => 1 },
  train_seconds: { title: 'pilot training time (s)', chart: 'Accuracy against training time', scale: () => 1 },
};

export function tradeoffChart(sweep: SweepFile, cost: FrontCost): VegaLiteSpec {
  const axis = AXES[cost];
  const front = new Set(sweep.fronts?.[cost] ?? (cost === 'macs' ? sweep.pareto : []));
  const factor = axis.scale(sweep);
  const values = sweep.points.map((p) => ({
    name: p.name,
    cost: pointCost(p, cost) * factor,
    accuracy: p.test_acc,
    front: front.has(p.name) ? 'on the Pareto front' : 'dominated',
    latency64: p.latency_ms.batch64,
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: axis.chart,
    width: 520,
    height: 280,
    data: { values },
    encoding: {
      x: { field: 'cost', type: 'quantitative', title: axis.title, scale: { zero: cost === 'macs' } },
      y: { field: 'accuracy', type: 'quantitative', title: 'test top-1 accuracy (%)', scale: { zero: false } },
    },
    layer: [
      {
        transform: [{ filter: "datum.front === 'on the Pareto front'" }],
        mark: { type: 'line', color: '#d62728', strokeDash: [4, 3] },
        encoding: { order: { field: 'cost', type: 'quantitative' } },
      },
      {
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          color: { field: 'front', type: 'nominal', title: null, scale: { domain: ['on the Pareto front', 'dominated'], range: ['#d62728', '#9e9e9e'] }, legend: { orient: 'bottom' } },
          tooltip: [
            { field: 'name', type: 'nominal', title: 'point' },
            { field: 'accuracy', type: 'quantitative', title: 'test top-1 (%)', format: '.2f' },
            { field: 'cost', type: 'quantitative', title: axis.title, format: '.3~f' },
            { field: 'front', type: 'nominal', title: 'front' },
          ],
        },
      },
      { mark: { type: 'text', dx: 8, align: 'left', fontSize: 10, color: '#444' }, encoding: { text: { field: 'name', type: 'nominal' } } },
    ],
  };
}
