// The dashboard's pages and files. Requests name runs and sweeps by the ids discovery gave them and
// files by allow-listed names; no part of a URL is ever joined into a file-system path.
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderRunReport, renderSweepReport } from '../report/index.js';
import { closestPoint, readSweep, recommend, type SweepFile } from '../sweep/index.js';
import { asset } from './assets.js';
import { parseBudget } from './budget.js';
import type { Catalog } from './catalog.js';
import { StreamRegistry, streamRunEvents } from './events.js';
import { plain } from './guards.js';
import { runListPage, type SweepRow } from './pages/run-list.js';
import { runPage } from './pages/run-page.js';
import { sweepPage, type BudgetAnswer } from './pages/sweep-page.js';
import { describeRun } from './run-status.js';
import { containedFile, filesStayInside, SERVED_RUN_FILES } from './safe-files.js';

export interface RouteContext {
  catalog: Catalog;
  streams: StreamRegistry;
  pollMs: number;
  reportError: (error: unknown) => void;
}

/** Files a report renderer reads from a run directory; all must stay inside the root. */
const REPORT_INPUTS = [...Object.keys(SERVED_RUN_FILES), 'model.safetensors', 'checkpoint.safetensors', 'sweep.json'];

type Query = Record<string, unknown>;

/** A single-valued query parameter; repeated or absent ones are undefined. */
function param(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Query)[name];
  return typeof value === 'string' ? value : undefined;
}

function html(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(body);
}

function readSweepSafely(dir: string): SweepFile | string {
  try {
    return readSweep(dir);
  } catch {
    return 'sweep.json could not be read';
  }
}

function sweepRows(context: RouteContext): SweepRow[] {
  return context.catalog.snapshot().sweeps.map((entry) => {
    const sweep = readSweepSafely(entry.dir);
    if (typeof sweep === 'string') return { id: entry.id, model: '', data: '', points: 0, settings: 0, problem: sweep };
    return { id: entry.id, model: sweep.model, data: sweep.data, points: sweep.points.length, settings: sweep.settings.length, problem: null };
  });
}

/** Renders a report, answering with a plain error (the detail goes to the server's log) if it fails. */
async function report(reply: FastifyReply, context: RouteContext, dir: string, render: (dir: string) => string): Promise<FastifyReply> {
  if (!(await filesStayInside(context.catalog.root, dir, REPORT_INPUTS))) return plain(reply, 404, 'Not found');
  let body: string;
  try {
    body = render(dir);
  } catch (error) {
    context.reportError(error);
    return plain(reply, 500, 'This report could not be rendered (see the dashboard\'s console)');
  }
  return html(reply, body);
}

export function registerRoutes(app: FastifyInstance, context: RouteContext): void {
  const { catalog } = context;

  app.get('/', async (_request, reply) => {
    const rows = catalog.snapshot().runs.map((entry) => describeRun(entry));
    return html(reply, runListPage(rows, sweepRows(context)));
  });

  // Browsers ask for it unprompted; an empty answer keeps their consoles free of 404s.
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());

  app.get('/api/runs', async () => ({
    runs: catalog.snapshot().runs.map((entry) => describeRun(entry)),
    sweeps: sweepRows(context),
  }));

  app.get('/run', async (request, reply) => {
    const run = catalog.run(param(request, 'id') ?? '');
    return run === undefined ? plain(reply, 404, 'Not found') : html(reply, runPage(describeRun(run)));
  });

  app.get('/run/report', async (request, reply) => {
    const run = catalog.run(param(request, 'id') ?? '');
    return run === undefined ? plain(reply, 404, 'Not found') : report(reply, context, run.dir, renderRunReport);
  });

  app.get('/run/file', async (request, reply) => {
    const run = catalog.run(param(request, 'id') ?? '');
    const name = param(request, 'name') ?? '';
    const file = run === undefined ? null : await containedFile(catalog.root, run.dir, name);
    if (file === null) return plain(reply, 404, 'Not found');
    return reply.header('cache-control', 'no-store').type(SERVED_RUN_FILES[name] as string).send(createReadStream(file));
  });

  app.get('/run/events', async (request, reply) => {
    const run = catalog.run(param(request, 'id') ?? '');
    if (run === undefined) return plain(reply, 404, 'Not found');
    if (context.streams.full) return plain(reply, 503, 'Too many live views open');
    const headers = Object.fromEntries(Object.entries(reply.getHeaders()).map(([k, v]) => [k, String(v)]));
    streamRunEvents(reply, run, context.streams, { root: catalog.root, pollMs: context.pollMs, headers });
    return reply;
  });

  app.get('/sweep', async (request, reply) => {
    const id = param(request, 'id') ?? '';
    const entry = catalog.sweep(id);
    if (entry === undefined) return plain(reply, 404, 'Not found');
    const sweep = readSweepSafely(entry.dir);
    if (typeof sweep === 'string') return plain(reply, 500, 'This sweep\'s sweep.json could not be read');
    const budget = parseBudget(param(request, 'constraint'), param(request, 'value'));
    const answer: BudgetAnswer = { budget, chosen: null, closest: null };
    if (budget.kind === 'ok') {
      answer.chosen = recommend(sweep, budget.constraint);
      if (answer.chosen === null) answer.closest = closestPoint(sweep, budget.constraint);
    }
    return html(reply, sweepPage(id, sweep, answer));
  });

  app.get('/sweep/report', async (request, reply) => {
    const sweep = catalog.sweep(param(request, 'id') ?? '');
    return sweep === undefined ? plain(reply, 404, 'Not found') : report(reply, context, sweep.dir, renderSweepReport);
  });

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const text = await asset(request.params.name);
    if (text === null) return plain(reply, 404, 'Not found');
    return reply.header('cache-control', 'max-age=3600').type('text/javascript; charset=utf-8').send(text);
  });
}
