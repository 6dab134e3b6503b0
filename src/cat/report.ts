// One epoch's view of a CAT run for the logs and the progress bar: the network's size now and in
// expectation, gamma, what is alive, and how many gates have not settled.
import type { GateView } from './gate-state.js';
import { isSettled } from './update.js';

export interface CatReport {
  macs: number;
  params: number;
  expected_macs: number;
  expected_params: number;
  macs_fraction: number;
  gamma: number;
  alive_blocks: number;
  total_blocks: number;
  alive_units: Record<string, number>;
  gates_nonbinary: number;
  /** With a latency profile: the modelled milliseconds of the network as it stands, and expected. */
  latency_ms?: number;
  expected_latency_ms?: number;
}

/** The progress bar's few words: the MACs left and, for residual networks, the blocks alive. */
export function statusLine(report: CatReport): string {
  const latency = report.latency_ms === undefined ? '' : ` | ${report.latency_ms.toFixed(2)} ms`;
  return `MACs ${(100 * report.macs_fraction).toFixed(1)}%${latency}${report.total_blocks > 0 ? ` | blocks ${report.alive_blocks}/${report.total_blocks}` : ''}`;
}

/** What the report reads of a controller. */
export interface ReportSource {
  readonly graph: { macs: number; params: number; blocks: readonly unknown[] };
  readonly gates: GateView;
  readonly baseline: { macs: number; params: number };
  readonly gamma: number;
  readonly initial: { blocks: readonly string[] };
  expected(): { macs: number; params: number; latency?: number };
  current(): { latency?: number };
}

export function catReport(cat: ReportSource): CatReport {
  const expected = cat.expected();
  const aliveUnits: Record<string, number> = {};
  for (const [id, record] of cat.gates.groups) aliveUnits[id] = record.spare.filter((s) => s !== 1).length;
  return {
    macs: cat.graph.macs,
    params: cat.graph.params,
    expected_macs: expected.macs,
    expected_params: expected.params,
    macs_fraction: cat.graph.macs / cat.baseline.macs,
    gamma: cat.gamma,
    alive_blocks: cat.graph.blocks.length,
    total_blocks: cat.initial.blocks.length,
    alive_units: aliveUnits,
    gates_nonbinary: cat.gates.count((t) => !isSettled(t)),
    ...(expected.latency === undefined ? {} : { latency_ms: cat.current().latency, expected_latency_ms: expected.latency }),
  };
}
