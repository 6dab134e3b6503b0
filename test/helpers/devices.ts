// Which devices the device-parametrised suites run on: always CPU, plus CUDA when
// CATRAIN_TEST_DEVICE=cuda (scripts/gpu-test.sh sets it; a missing GPU then fails loudly).
import * as E from '../../src/engine/index.js';

export function testDevices(): E.Device[] {
  const requested = process.env.CATRAIN_TEST_DEVICE;
  if (requested === undefined || requested === 'cpu') return ['cpu'];
  return ['cpu', E.checkDevice(requested)];
}

/**
 * The accelerator that suites comparing a device against the CPU run on. Without one they are
 * reported as skipped with the reason: comparing the CPU with itself would pass without checking anything.
 */
export function acceleratorUnderTest(): { device: E.Device; skip: false | string } {
  const requested = process.env.CATRAIN_TEST_DEVICE;
  if (requested === undefined || requested === 'cpu') {
    return { device: 'cuda', skip: 'no accelerator under test: run with CATRAIN_TEST_DEVICE=cuda on a GPU machine (scripts/gpu-test.sh)' };
  }
  return { device: E.checkDevice(requested), skip: false };
}
