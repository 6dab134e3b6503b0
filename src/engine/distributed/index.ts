// Data-parallel building blocks over libtorch's c10d: a TCP store, process groups and their collectives.
export { TcpStore, type TcpStoreOptions } from './store.js';
export {
  ProcessGroup,
  DEFAULT_BUCKET_BYTES,
  type ProcessGroupOptions,
  type CollectiveOptions,
  type CoalescedOptions,
  type DistributedBackend,
} from './group.js';
export { DistributedError, toDistributedError, type DistributedFailure, type DistributedContext, type Liveness } from './error.js';
export { distributedBackends, DEFAULT_TIMEOUT_MS } from './support.js';
