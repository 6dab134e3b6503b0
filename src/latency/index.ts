// Latency measured on a deployment runtime: per-layer profiles for the latency cost, and timing of
// whole networks for the end-of-run check.
export { profileLatency, NETWORK_EFFORT, type ProfileOptions } from './profile.js';
export { latencyRunner, type LatencyRunner, type TimingEffort } from './runners.js';
export { fitLayer, type LayerFit } from './fit.js';
export { medianMs, median } from './timing.js';
