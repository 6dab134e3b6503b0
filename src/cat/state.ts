// What a checkpoint holds of a CAT run, so it continues exactly: gamma, the baseline and reference
// shares, every gate's bookkeeping, the pruning history, the initial structure (for reports) and
// whether the gates have settled. Plain JSON numbers, exact in float64. Read back through
// parseCatState, which checks the shape before any of it is trusted.
import type { GateRecord } from './gate-state.js';
import { checkedLatencyProfile, type LatencyProfile } from './latency.js';
import type { PruneEvent } from './surgery.js';
import type { Baseline, Shares } from './update.js';

/** The settle step, once it ran: when, and what it found. */
export interface Settled {
  step: number;
  /** Gates not within 0.01 of 0 or 1, which the settle step rounded (summary.json's gates_rounded). */
  rounded: number;
  /** Gates strictly inside (0, 1), however close to 0 or 1. */
  interior: number;
}

export interface CatState {
  gamma: number;
  baseline: Baseline;
  scale0: { units: Record<string, number>; blocks: Record<string, number> };
  gates: { groups: Record<string, GateRecord>; blocks: Record<string, GateRecord> };
  history: PruneEvent[];
  /** Widths of every gated group at the start (for reports). */
  initialWidths: Record<string, number>;
  initialBlocks: string[];
  settled: Settled | null;
  /** The latency profile the run measures compute with, kept so that a resume needs no file. */
  latencyProfile?: LatencyProfile;
}

export const sharesToJSON = (shares: Shares): CatState['scale0'] => ({ units: Object.fromEntries(shares.units), blocks: Object.fromEntries(shares.blocks) });
export const sharesFromJSON = (json: CatState['scale0']): Shares => ({ units: new Map(Object.entries(json.units)), blocks: new Map(Object.entries(json.blocks)) });

/** Thrown when a checkpoint's CAT state is not one catrain wrote. */
export class CatStateError extends Error {
  override name = 'CatStateError';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNumber);
const isNumberRecord = (v: unknown): v is Record<string, number> => isObject(v) && Object.values(v).every(isNumber);

function isRecord(v: unknown): v is GateRecord {
  if (!isObject(v) || !isNumbers(v.theta)) return false;
  const width = v.theta.length;
  return [v.zeroSteps, v.pull, v.spare].every((a) => isNumbers(a) && a.length === width);
}

function isEvent(v: unknown): v is PruneEvent {
  if (!isObject(v) || !isNumber(v.step)) return false;
  if (v.kind === 'block') return typeof v.block === 'string';
  return v.kind === 'units' && typeof v.group === 'string' && isNumbers(v.keep);
}

/** The settle record; checkpoints written before 2026-12 call `rounded` nonBinary. */
function settledOf(v: unknown): Settled | null | undefined {
  if (v === null) return null;
  if (!isObject(v) || !isNumber(v.step) || !isNumber(v.interior)) return undefined;
  const rounded = v.rounded ?? v.nonBinary;
  return isNumber(rounded) ? { step: v.step, rounded, interior: v.interior } : undefined;
}

/** The CAT state of a checkpoint, checked field by field; throws naming the first field that is wrong. */
export function parseCatState(json: unknown): CatState {
  const fail = (field: string): never => {
    throw new CatStateError(`the checkpoint's CAT state has no valid '${field}': the file was not written by catrain, or is damaged`);
  };
  if (!isObject(json)) return fail('(state)');
  if (!isNumber(json.gamma)) fail('gamma');
  if (!isObject(json.baseline) || !isNumber(json.baseline.macs) || !isNumber(json.baseline.params)) fail('baseline');
  if (!isObject(json.scale0) || !isNumberRecord(json.scale0.units) || !isNumberRecord(json.scale0.blocks)) fail('scale0');
  const gates = json.gates;
  if (!isObject(gates) || !isObject(gates.groups) || !isObject(gates.blocks) || ![...Object.values(gates.groups), ...Object.values(gates.blocks)].every(isRecord)) fail('gates');
  if (!Array.isArray(json.history) || !json.history.every(isEvent)) fail('history');
  if (!isNumberRecord(json.initialWidths)) fail('initialWidths');
  if (!Array.isArray(json.initialBlocks) || !json.initialBlocks.every((b) => typeof b === 'string')) fail('initialBlocks');
  const settled = settledOf(json.settled);
  if (settled === undefined) fail('settled');
  if (isObject(json.baseline) && json.baseline.latency !== undefined && !isNumber(json.baseline.latency)) fail('baseline');
  if (json.latencyProfile !== undefined) {
    try {
      checkedLatencyProfile(json.latencyProfile, "the checkpoint's latency profile");
    } catch {
      fail('latencyProfile');
    }
  }
  return { ...(json as unknown as CatState), settled: settled ?? null };
}
