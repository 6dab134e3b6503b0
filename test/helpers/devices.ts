// Which devices the device-parametrised suites run on: always CPU, plus CUDA when
// CATRAIN_TEST_DEVICE=cuda (scripts/gpu-test.sh sets it; a missing GPU then fails loudly).
import * as E from '../../src/engine/index.js';

export function testDevices(): E.Device[] {
  const requested = process.env.CATRAIN_TEST_DEVICE;
  if (requested === undefined || requested === 'cpu') return ['cpu'];
  return ['cpu', E.checkDevice(requested)];
}
