#!/usr/bin/env node
// Projected data-parallel scaling efficiency from an alpha-beta model: a MODEL, not a measurement.
// Each catrain collective is an 8-byte agreement all-gather followed by the data's ring all-reduce, so
// with p workers, g gradient bytes, a per-message latency alpha and a link bandwidth B:
//   T_comm(p) = (p - 1) * alpha + 2 (p - 1) * alpha + 2 (p - 1) / p * g / B
// The efficiency of a step whose compute takes t_c (no overlap of compute and communication) is
// t_c / (t_c + T_comm). alpha comes from the loopback fit (docs/benchmarks.md); B is the network's.
//   node bench/distributed/projection.mjs [--alpha-us 432] [--resnet20-step-s 0.27] [--resnet50-step-s S] [--json]
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name} needs a positive number, got '${args[i + 1]}'`);
  return value;
};
// One message of a ring: half of the fitted per-call alpha of a 2-rank all-reduce (its ring has 2 steps).
const alpha = flag('--alpha-us', 432) * 1e-6;
const models = [
  // Gradient bytes (float32 parameters) and the measured compute time of one worker's step on this
  // machine (1 thread): ResNet-20 on 64 CIFAR images, ResNet-50 on 32 ImageNet-size images.
  { name: 'ResNet-20', bytes: 272_474 * 4, computeS: flag('--resnet20-step-s', 0.27), batch: 64 },
  // ResNet-50's step time was not measured here: pass it to get its efficiency column.
  { name: 'ResNet-50', bytes: 25_557_032 * 4, computeS: flag('--resnet50-step-s', Number.NaN), batch: 32 },
];
const links = [
  { name: '10 Gbit/s', bytesPerS: 10e9 / 8 },
  { name: '100 Gbit/s', bytesPerS: 100e9 / 8 },
];
const workers = [8, 64, 256];
const comm = (p, bytes, link) => 3 * (p - 1) * alpha + ((2 * (p - 1)) / p) * (bytes / link.bytesPerS);
const rows = [];
for (const model of models) {
  for (const link of links) {
    for (const p of workers) {
      const t = comm(p, model.bytes, link);
      rows.push({
        model: model.name,
        link: link.name,
        workers: p,
        comm_ms: Number((t * 1000).toFixed(2)),
        efficiency: Number.isFinite(model.computeS) ? Number((model.computeS / (model.computeS + t)).toFixed(3)) : null,
        // The compute time per step at and above which the model gives 90%: 9 * T_comm.
        compute_for_90_ms: Number((9 * t * 1000).toFixed(1)),
      });
    }
  }
}
if (args.includes('--json')) console.log(JSON.stringify({ alpha_us: alpha * 1e6, models, rows }, null, 2));
else {
  console.log(`alpha ${(alpha * 1e6).toFixed(0)} us per message; compute per step: ${models.map((m) => `${m.name} ${Number.isFinite(m.computeS) ? `${m.computeS} s` : 'not given'} (${m.batch} images)`).join(', ')}`);
  console.log('| model | network | workers | all-reduce per step | efficiency | compute per step for 90% |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.model} | ${r.link} | ${r.workers} | ${r.comm_ms} ms | ${r.efficiency === null ? '–' : `${(100 * r.efficiency).toFixed(1)}%`} | ${r.compute_for_90_ms} ms |`);
}
