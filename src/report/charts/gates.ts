// Gate probabilities (theta) over the epochs for the sample of gates the log records.
import type { VegaLiteSpec } from '../html.js';
import type { EpochRecord } from '../run-data.js';

export function gateChart(log: readonly EpochRecord[]): VegaLiteSpec {
  const values: { epoch: number; gate: string; kind: string; theta: number }[] = [];
  for (const r of log) {
    for (const [key, theta] of Object.entries(r.gate_sample ?? {})) {
      values.push({ epoch: r.epoch, gate: key.replace(/^(unit|block):/, ''), kind: key.startsWith('block:') ? 'block gate' : 'unit gate', theta });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Gate probabilities of a sample of gates',
    width: 720,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'theta', type: 'quantitative', title: 'theta (probability the structure is kept)', scale: { domain: [0, 1] } },
      color: { field: 'gate', type: 'nominal', title: 'gate', scale: { scheme: 'category20' }, legend: { columns: 2, symbolLimit: 60 } },
      strokeDash: { field: 'kind', type: 'nominal', title: null },
      tooltip: [
        { field: 'gate', type: 'nominal' },
        { field: 'kind', type: 'nominal' },
        { field: 'epoch', type: 'quantitative' },
        { field: 'theta', type: 'quantitative', format: '.3f' },
      ],
    },
  };
}
