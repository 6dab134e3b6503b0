// Data-parallel training over libtorch's c10d: the worker environment (torchrun's contract), the
// launcher of local workers, joining a group, and the training-method wrapper that keeps the workers'
// gradients, gates and surgeries in lockstep.
export { workerEnv, envFor, WorkerEnvError, type WorkerEnv } from './env.js';
export { launch, freePort, type LaunchOptions, type LaunchResult } from './launch.js';
export { Worker, type JoinOptions } from './worker.js';
export { dataParallel, type Collectives, type DataParallelOptions } from './data-parallel.js';
export { LockstepError, lockstepDigest } from './lockstep.js';
export { bindAddress } from './address.js';
