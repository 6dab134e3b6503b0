// Device names and the check that CUDA is really there before libtorch is asked for it.
import { native } from './native.js';

export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

export function isCudaAvailable(): boolean {
  return native.cudaAvailable();
}

export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

/** Validates a device name; CUDA without a CUDA libtorch and a visible GPU is an error, not a crash. */
export function checkDevice(device: string): Device {
  if (device === 'cpu') return device;
  const match = /^cuda(?::(\d+))?$/.exec(device);
  if (!match) throw new TypeError(`unknown device '${device}': expected 'cpu', 'cuda' or 'cuda:N'`);
  const count = native.cudaDeviceCount();
  if (count === 0) {
    throw new Error(
      `CUDA requested (device '${device}') but CUDA is not available: this libtorch (${native.version()}) has no CUDA ` +
        'support or no GPU is visible. Use device \'cpu\', or build against a CUDA libtorch (see docs/gpu.md).',
    );
  }
  const index = match[1] === undefined ? 0 : Number(match[1]);
  if (index >= count) throw new Error(`device '${device}' does not exist: ${count} CUDA device(s) visible`);
  return device as Device;
}
