// Self-contained HTML reports of a run directory and of a sweep directory.
export { renderRunReport } from './run-report.js';
export { renderSweepReport } from './sweep-report.js';
export { architectureTable } from './architecture-table.js';
export { inputShapeText } from './architecture-section.js';
