// The dashboard: a local, read-only web app over a directory of runs and sweeps (docs/dashboard.md).
export { startDashboard, DashboardDirectoryError, DEFAULT_PORT, type Dashboard, type DashboardOptions } from './server.js';
export { discover, type Discovered, type RunEntry, type SweepEntry } from './discovery.js';
export { describeRun, type RunRow, type RunStatus } from './run-status.js';
export { SERVED_RUN_FILES } from './safe-files.js';
