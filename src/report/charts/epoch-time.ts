// Epoch time against the network's MACs at the epoch's end: does pruning make training faster?
import type { VegaLiteSpec } from '../html.js';
import type { EpochRecord } from '../run-data.js';
import { macsScale } from './units.js';

export function epochTimeChart(log: readonly EpochRecord[]): VegaLiteSpec {
  const rows = log.filter((r): r is EpochRecord & { macs: number; epoch_s: number } => r.macs !== undefined && r.epoch_s !== undefined);
  const scale = macsScale(Math.max(0, ...rows.map((r) => r.macs)));
  const values = rows.map((r) => ({ epoch: r.epoch, macs: r.macs / scale.divisor, seconds: r.epoch_s }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Epoch time against network size',
    width: 520,
    height: 260,
    data: { values },
    encoding: {
      x: { field: 'macs', type: 'quantitative', title: `network MACs at the epoch's end (${scale.label})`, scale: { zero: false }, axis: { format: '~r' } },
      y: { field: 'seconds', type: 'quantitative', title: 'epoch time (s)', scale: { zero: true } },
    },
    layer: [
      {
        mark: { type: 'point', filled: true, size: 60 },
        encoding: {
          color: { field: 'epoch', type: 'quantitative', title: 'epoch', scale: { scheme: 'blues' }, legend: { format: 'd', tickMinStep: 1 } },
          tooltip: [
            { field: 'epoch', type: 'quantitative' },
            { field: 'macs', type: 'quantitative', title: scale.label, format: '.3f' },
            { field: 'seconds', type: 'quantitative', title: 'epoch time (s)', format: '.2f' },
          ],
        },
      },
      { mark: { type: 'text', dx: 9, align: 'left', fontSize: 10, color: '#555' }, encoding: { text: { field: 'epoch', type: 'quantitative' } } },
    ],
  };
}
