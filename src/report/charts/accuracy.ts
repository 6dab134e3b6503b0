// Accuracy per epoch, and for CAT runs the share of the dense MACs kept, on one percent axis.
import type { VegaLiteSpec } from '../html.js';
import type { EpochRecord } from '../run-data.js';

export function accuracyChart(log: readonly EpochRecord[], withMacs: boolean): VegaLiteSpec {
  const values: { epoch: number; series: string; percent: number }[] = [];
  for (const r of log) {
    if (r.test_acc !== undefined) values.push({ epoch: r.epoch, series: 'test top-1 accuracy', percent: r.test_acc });
    if (r.train_acc !== undefined) values.push({ epoch: r.epoch, series: 'training accuracy', percent: r.train_acc });
    if (withMacs && r.macs_fraction !== undefined) values.push({ epoch: r.epoch, series: 'MACs kept (of dense)', percent: 100 * r.macs_fraction });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: withMacs ? 'Accuracy and MACs kept per epoch' : 'Accuracy per epoch',
    width: 720,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'percent', type: 'quantitative', title: 'percent', scale: { domain: [0, 100] } },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom' } },
      tooltip: [
        { field: 'series', type: 'nominal' },
        { field: 'epoch', type: 'quantitative' },
        { field: 'percent', type: 'quantitative', format: '.2f' },
      ],
    },
  };
}
