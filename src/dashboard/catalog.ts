// The runs and sweeps under the root as the server sees them: rediscovered at most once a second,
// so runs that appear while the dashboard is open show up without a restart.
import { discover, type Discovered, type RunEntry, type SweepEntry } from './discovery.js';

export class Catalog {
  private cached: Discovered | null = null;
  private takenAt = 0;

  constructor(
    /** The real path of the runs directory. */
    readonly root: string,
    private readonly maxAgeMs = 1000,
  ) {}

  snapshot(): Discovered {
    const now = Date.now();
    if (this.cached === null || now - this.takenAt > this.maxAgeMs) {
      this.cached = discover(this.root);
      this.takenAt = now;
    }
    return this.cached;
  }

  run(id: string): RunEntry | undefined {
    return this.snapshot().runs.find((run) => run.id === id);
  }

  sweep(id: string): SweepEntry | undefined {
    return this.snapshot().sweeps.find((sweep) => sweep.id === id);
  }
}
