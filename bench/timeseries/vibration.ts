// A simple physical model of an accelerometer on a rotating machine, for a synthetic fault benchmark.
// Every sample is one short record at a random shaft speed: the machine's own running-speed harmonics,
// an optional mains tone, the fault's signature at a random severity (mild ones included), white noise
// at a random signal-to-noise ratio, and a sensor whose gain differs and drifts from record to record.
// Rolling-element faults are trains of impacts, one each time a ball meets the defect, each ringing a
// structural resonance and decaying; their rates are fixed multiples of the shaft speed set by the
// bearing's geometry (here drawn near those of a common deep-groove bearing, so that the classes are
// told apart by rate relative to the shaft, not by an absolute frequency).
import type { Draw } from './random.js';

export const SAMPLE_RATE_HZ = 2048;

export const VIBRATION_CLASSES = ['healthy', 'imbalance', 'misalignment', 'looseness', 'outer_race', 'inner_race', 'ball'] as const;
export type VibrationClass = (typeof VIBRATION_CLASSES)[number];

/** What one record's draws were, for the generator's summary. */
export interface RecordInfo {
  shaftHz: number;
  severity: number;
  snrDb: number;
}

/** Shaft angle at every step: speed f0 wandering by up to 2% around its mean, from a random start. */
function shaftAngle(draw: Draw, length: number, shaftHz: number): Float64Array {
  const wander = draw.uniform(0, 0.02);
  const wanderHz = draw.uniform(0.5, 4);
  const wanderPhase = draw.phase();
  const angle = new Float64Array(length);
  let theta = draw.phase();
  for (let n = 0; n < length; n++) {
    angle[n] = theta;
    const hz = shaftHz * (1 + wander * Math.sin((2 * Math.PI * wanderHz * n) / SAMPLE_RATE_HZ + wanderPhase));
    theta += (2 * Math.PI * hz) / SAMPLE_RATE_HZ;
  }
  return angle;
}

/** Adds amplitude * cos(order * angle + phase) (an order of the running speed). */
function addOrder(signal: Float64Array, angle: Float64Array, order: number, amplitude: number, phase: number): void {
  for (let n = 0; n < signal.length; n++) signal[n] = (signal[n] as number) + amplitude * Math.cos(order * (angle[n] as number) + phase);
}

/** The ring an impact excites, as drawn per record: its frequency range and its decay time range. */
interface TransmissionPath {
  resonanceHz: readonly [number, number];
  decayMs: readonly [number, number];
}

/**
 * An outer-race impact reaches the sensor through the housing alone; inner-race and ball impacts pass
 * through the rolling elements first, which damps them more and filters off some of the high end. The
 * ranges overlap, so the ring alone does not give the class away.
 */
const PATHS: Record<'outer' | 'inner' | 'ball', TransmissionPath> = {
  outer: { resonanceHz: [550, 850], decayMs: [3.5, 7] },
  inner: { resonanceHz: [400, 700], decayMs: [1.6, 4] },
  ball: { resonanceHz: [450, 800], decayMs: [2, 5] },
};

interface ImpactTrain {
  /** Impacts per shaft revolution. */
  order: number;
  amplitude: number;
  /** Scales each impact by the shaft angle it happens at (load zone, cage modulation). */
  gain: (angle: number) => number;
  /** Fraction of impacts that do not happen (an intermittent contact). */
  dropout: number;
  path: TransmissionPath;
}

/**
 * Adds an impact each time `order * angle / 2pi` passes a whole number (with a little slip), each a
 * decaying ring at a resonance of the transmission path.
 */
function addImpacts(draw: Draw, signal: Float64Array, angle: Float64Array, impacts: ImpactTrain): void {
  const { order, amplitude, gain, dropout, path } = impacts;
  const resonanceHz = draw.uniform(path.resonanceHz[0], path.resonanceHz[1]);
  const decaySteps = draw.uniform(path.decayMs[0], path.decayMs[1]) * 1e-3 * SAMPLE_RATE_HZ;
  const ringSteps = Math.ceil(5 * decaySteps);
  const offset = draw.unit();
  let next = offset + 0.02 * draw.normal();
  for (let n = 0; n < signal.length; n++) {
    const count = (order * ((angle[n] as number) - (angle[0] as number))) / (2 * Math.PI);
    if (count < next) continue;
    next += 1 + 0.015 * draw.normal(); // rolling elements slip, so the impacts are not exactly periodic
    if (draw.chance(dropout)) continue;
    const size = amplitude * gain(angle[n] as number) * draw.uniform(0.7, 1.3);
    const phase = draw.phase();
    for (let k = 0; k < ringSteps && n + k < signal.length; k++) {
      signal[n + k] = (signal[n + k] as number) + size * Math.exp(-k / decaySteps) * Math.sin((2 * Math.PI * resonanceHz * k) / SAMPLE_RATE_HZ + phase);
    }
  }
}

/** Flattens the signal's positive peaks above `fraction` of its largest: a loose part hitting its stop. */
function clipPositive(signal: Float64Array, fraction: number): void {
  let top = 0;
  for (const v of signal) top = Math.max(top, v);
  const limit = top * fraction;
  for (let n = 0; n < signal.length; n++) if ((signal[n] as number) > limit) signal[n] = limit;
}

function rms(signal: Float64Array): number {
  let sum = 0;
  for (const v of signal) sum += v * v;
  return Math.sqrt(sum / signal.length);
}

/** One record of `length` steps of class `kind`, written into `out`. */
export function vibrationRecord(draw: Draw, kind: VibrationClass, out: Float64Array): RecordInfo {
  const length = out.length;
  const shaftHz = draw.uniform(15, 50);
  const severity = kind === 'healthy' ? 0 : draw.uniform(0.1, 1);
  const angle = shaftAngle(draw, length, shaftHz);
  const signal = new Float64Array(length);

  // The machine itself: running speed and a few harmonics, in varying proportions.
  const base = draw.uniform(0.2, 0.5);
  addOrder(signal, angle, 1, base, draw.phase());
  addOrder(signal, angle, 2, base * draw.uniform(0.05, 0.4), draw.phase());
  addOrder(signal, angle, 3, base * draw.uniform(0.02, 0.2), draw.phase());
  addOrder(signal, angle, 4, base * draw.uniform(0, 0.1), draw.phase());
  if (draw.chance(0.5)) {
    // Twice the mains frequency (magnetostriction in the motor), on about half the machines.
    const mainsHz = draw.chance(0.5) ? 100 : 120;
    const amplitude = base * draw.uniform(0.05, 0.5);
    const phase = draw.phase();
    for (let n = 0; n < length; n++) signal[n] = (signal[n] as number) + amplitude * Math.cos((2 * Math.PI * mainsHz * n) / SAMPLE_RATE_HZ + phase);
  }

  switch (kind) {
    case 'healthy':
      break;
    case 'imbalance':
      addOrder(signal, angle, 1, base * (0.6 + 3 * severity), draw.phase());
      break;
    case 'misalignment':
      addOrder(signal, angle, 2, base * (0.5 + 1.5 * severity), draw.phase());
      addOrder(signal, angle, 3, base * 0.4 * severity, draw.phase());
      break;
    case 'looseness': {
      for (let order = 1; order <= 10; order++) addOrder(signal, angle, order, base * (0.1 + 0.4 * severity) * draw.uniform(0.3, 1), draw.phase());
      for (const half of [0.5, 1.5, 2.5]) addOrder(signal, angle, half, base * (0.05 + 0.3 * severity) * draw.uniform(0.3, 1), draw.phase());
      clipPositive(signal, 1 - 0.4 * severity);
      break;
    }
    case 'outer_race':
      // Fixed to the housing: every impact in the load zone, of about the same size.
      addImpacts(draw, signal, angle, { order: draw.uniform(3.45, 3.7), amplitude: base * (0.5 + 4 * severity), gain: () => 1, dropout: 0, path: PATHS.outer });
      break;
    case 'inner_race': {
      // Turns with the shaft, so the impacts grow and shrink once a revolution as the defect passes the load.
      const depth = draw.uniform(0.5, 1);
      const load = draw.phase();
      const gain = (a: number): number => 1 - depth / 2 + (depth / 2) * Math.cos(a + load);
      addImpacts(draw, signal, angle, { order: draw.uniform(5.3, 5.55), amplitude: base * (0.5 + 4 * severity), gain, dropout: 0, path: PATHS.inner });
      break;
    }
    case 'ball': {
      // Twice the ball-spin rate, modulated at the cage speed, and intermittent as the ball turns.
      const depth = draw.uniform(0.3, 0.9);
      const cage = draw.uniform(0.38, 0.41);
      const start = draw.phase();
      const gain = (a: number): number => 1 - depth / 2 + (depth / 2) * Math.cos(cage * a + start);
      addImpacts(draw, signal, angle, { order: draw.uniform(4.6, 4.8), amplitude: base * (0.5 + 3 * severity), gain, dropout: 0.3, path: PATHS.ball });
      break;
    }
  }

  const snrDb = draw.uniform(0, 24);
  const noise = rms(signal) / 10 ** (snrDb / 20);
  const gain = Math.exp(0.15 * draw.normal());
  const drift = draw.uniform(-0.15, 0.15);
  const dc = draw.uniform(-0.05, 0.05);
  for (let n = 0; n < length; n++) {
    const g = gain * (1 + drift * (n / length - 0.5));
    out[n] = g * ((signal[n] as number) + noise * draw.normal()) + dc;
  }
  return { shaftHz, severity, snrDb };
}
