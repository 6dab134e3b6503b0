// Process-wide engine settings: threads, seeding, memory accounting, synchronisation.
import { availableParallelism } from 'node:os';
import { native, onAddonLoad } from './native.js';
import { Tensor } from './tensor.js';

export interface MemoryInfo {
  /** Live tensor handles. */
  tensors: number;
  /** Bytes of their elements (views count their own extent). */
  bytes: number;
}

export function memory(): MemoryInfo {
  const [tensors, bytes] = native.memory();
  return { tensors, bytes };
}

export function setNumThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${threads}`);
  native.setNumThreads(threads);
}
export const getNumThreads = (): number => native.getNumThreads();

/** Seeds the global generator used by rand, randn, randint, bernoulli, dropout and init (CPU and CUDA). */
export function manualSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`manualSeed: expected a non-negative integer, got ${seed}`);
  native.manualSeed(seed);
}

/** The CPU generator's state (uint8 tensor), for exact resume. */
export const getRngState = (): Tensor => Tensor.fromHandle(native.getRngState());
export function setRngState(state: Tensor): void {
  native.setRngState(state.handle);
}

/** Waits for all queued CUDA work; a no-op without CUDA. */
export const synchronize = (): void => native.synchronize();
export const torchVersion = (): string => native.version();

/** The thread count CATRAIN_THREADS asks for, or undefined; a clear error for anything but a positive integer. */
function threadsFromEnvironment(): number | undefined {
  const value = process.env.CATRAIN_THREADS;
  if (value === undefined) return undefined;
  const threads = Number(value);
  if (value.trim() === '' || !Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`CATRAIN_THREADS must be a positive integer (the number of compute threads), got '${value}'; unset it to use every core`);
  }
  return threads;
}

onAddonLoad((addon) => {
  // libtorch's OpenMP pool can start at one thread when the process did not set OMP_NUM_THREADS;
  // default to every core unless the user chose.
  const threads = threadsFromEnvironment();
  if (threads !== undefined) addon.setNumThreads(threads);
  else if (process.env.OMP_NUM_THREADS === undefined) addon.setNumThreads(availableParallelism());
  // Training frees and reallocates the same activation sizes every step. With glibc's defaults those
  // blocks went back to the kernel at each free and were page-faulted in again at each allocation
  // (about 50,000 faults per ResNet-20 step, 30% of its time); keeping blocks up to 32 MiB in the heap
  // and not trimming it below 1 GiB makes the steady state fault-free. CATRAIN_MALLOC_TUNING=0 turns it off.
  if (process.env.CATRAIN_MALLOC_TUNING !== '0' && process.platform === 'linux') addon.tuneMalloc(32 * 1024 * 1024, 1024 * 1024 * 1024);
});
