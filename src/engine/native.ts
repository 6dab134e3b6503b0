// Loads the libtorch addon and describes its entries. Everything above this file talks to libtorch
// through these typed functions; nothing else touches the addon.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A tensor as the addon sees it: a slot number with a generation, never reused while live. */
export type Handle = number;

/** A TcpStore or process group in the addon's distributed table: an id that is never reused. */
export type DistHandle = number;

/** What one argument of a dispatcher call may be once tensors are replaced by their handles. */
export type NativeArg = number | boolean | string | null | undefined | readonly (number | boolean | null)[];

export type NativeResult = Handle | number | boolean | null | NativeResult[];

export interface NativeAddon {
  dispose(handle: Handle): boolean;
  isAlive(handle: Handle): boolean;
  memory(): [count: number, bytes: number];
  opHandle(name: string, overload: string): number;
  opSchema(op: number): string;
  call(op: number, ...args: NativeArg[]): NativeResult;
  callVoid(op: number, ...args: NativeArg[]): void;
  fromBuffer(data: ArrayBufferView, shape: readonly number[], dtypeCode: number, device?: string): Handle;
  toBuffer(handle: Handle): ArrayBuffer;
  meta(handle: Handle): [dtypeCode: number, deviceType: string, deviceIndex: number, ...shape: number[]];
  strides(handle: Handle): number[];
  item(handle: Handle): number | boolean;
  isContiguous(handle: Handle, channelsLast: boolean): boolean;
  setRequiresGrad(handle: Handle, flag: boolean): void;
  requiresGrad(handle: Handle): boolean;
  isLeaf(handle: Handle): boolean;
  backward(handle: Handle, gradient: Handle | null, retainGraph: boolean): void;
  grad(handle: Handle): Handle | null;
  setGrad(handle: Handle, gradient: Handle | null): void;
  retainGrad(handle: Handle): void;
  setGradEnabled(enabled: boolean): boolean;
  isGradEnabled(): boolean;
  setNumThreads(threads: number): void;
  getNumThreads(): number;
  manualSeed(seed: number): void;
  getRngState(): Handle;
  setRngState(state: Handle): void;
  cudaAvailable(): boolean;
  cudaDeviceCount(): number;
  synchronize(): void;
  version(): string;
  parallelInfo(): string;
  tuneMalloc(mmapThreshold: number, trimThreshold: number): boolean;
  // Distributed entries (native/src/dist_*.cc). Only distDispose and distBackends exist in a build
  // without gloo's headers; the TS layer checks distBackends() before calling the others.
  distBackends(): string[];
  distDispose(id: DistHandle): boolean;
  distStoreCreate(host: string, port: number, isServer: boolean, timeoutMs: number, connectTimeoutMs: number): DistHandle;
  distStorePort(store: DistHandle): number;
  distStoreSet(store: DistHandle, key: string, value: Uint8Array): void;
  distStoreGet(store: DistHandle, key: string, timeoutMs: number): ArrayBuffer;
  distStoreAdd(store: DistHandle, key: string, delta: number): number;
  distStoreWait(store: DistHandle, keys: readonly string[], timeoutMs: number): void;
  distStoreCheck(store: DistHandle, keys: readonly string[]): boolean;
  distStoreDelete(store: DistHandle, key: string): boolean;
  distGroupCreate(
    store: DistHandle,
    rank: number,
    worldSize: number,
    backend: string,
    address: string,
    networkInterface: string,
    timeoutMs: number,
    threads: number,
    prefix: string,
    heartbeatMs: number,
  ): DistHandle;
  /** Why the group refuses collectives, or null while it is usable. */
  distGroupBroken(group: DistHandle): string | null;
  distAllReduce(group: DistHandle, tensors: readonly Handle[], timeoutMs: number): void;
  distAllReduceCoalesced(group: DistHandle, tensors: readonly Handle[], bucketBytes: number, scale: number, timeoutMs: number): void;
  distBroadcast(group: DistHandle, tensors: readonly Handle[], root: number, timeoutMs: number): void;
  distBarrier(group: DistHandle, timeoutMs: number): void;
  distAllGather(group: DistHandle, tensor: Handle, timeoutMs: number): Handle[];
  distAllReduceSum(group: DistHandle, tensor: Handle, timeoutMs: number): Handle;
}

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function addonPath(): string {
  return process.env.CATRAIN_NATIVE ?? path.join(packageRoot, 'build', 'native', 'catrain_native.node');
}

function load(): NativeAddon {
  const file = addonPath();
  if (!existsSync(file)) {
    throw new Error(
      `the native addon is not built (${file} is missing). Run \`npm run build:native\`; ` +
        'it needs libtorch: `apt-get install -y libtorch-dev libopenblas0-pthread` on Debian, or LIBTORCH=/path/to/libtorch.',
    );
  }
  try {
    return createRequire(import.meta.url)(file) as NativeAddon;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot load the native addon ${file}: ${reason}. If a libtorch library is missing, install ` +
        '`libtorch-dev libopenblas0-pthread` (Debian) or rebuild with `npm run build:native` against the libtorch you have.',
      { cause: error },
    );
  }
}

const startupHooks: ((addon: NativeAddon) => void)[] = [];

/**
 * Runs `hook` with the addon as soon as it is loaded (at once if it already is): process-wide
 * settings such as the thread count. A hook that throws leaves the addon unloaded, so the error
 * comes back on the next use instead of a half-configured engine.
 */
export function onAddonLoad(hook: (addon: NativeAddon) => void): void {
  if (loaded !== null) hook(loaded);
  else startupHooks.push(hook);
}

let loaded: NativeAddon | null = null;

function ensureLoaded(): NativeAddon {
  if (loaded !== null) return loaded;
  const addon = load();
  for (const hook of startupHooks) hook(addon);
  loaded = addon;
  native = addon;
  return addon;
}

/**
 * The addon. It is loaded on first use, not at import, so a program that never computes (`catrain
 * --help`) runs without it and a missing or broken build surfaces as an error where the caller can
 * report it. The first access replaces this binding with the addon itself, so later calls do not
 * go through the proxy.
 */
export let native: NativeAddon = new Proxy({} as NativeAddon, { get: (_target, key) => Reflect.get(ensureLoaded(), key) });
