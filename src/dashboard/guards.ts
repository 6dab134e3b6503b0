// What every response goes through: only GET and HEAD, only requests addressed to this host (a web
// page elsewhere cannot reach the dashboard by DNS rebinding), security headers, and plain-text
// errors that name no file or path.
import type { FastifyInstance, FastifyReply } from 'fastify';

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  // Reports are self-contained pages with inline scripts; vega compiles its expressions with Function.
  'content-security-policy':
    "default-src 'none'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** The Host names accepted, or null to accept any (the user bound a wildcard address on purpose). */
export function allowedHostNames(host: string): Set<string> | null {
  if (host === '0.0.0.0' || host === '::') return null;
  return new Set([...LOOPBACK_NAMES, host.includes(':') ? `[${host}]` : host].map((name) => name.toLowerCase()));
}

function hostName(header: string | undefined): string | null {
  if (header === undefined) return null;
  try {
    return new URL(`http://${header}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

export function plain(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('text/plain; charset=utf-8').send(`${text}\n`);
}

export function installGuards(app: FastifyInstance, host: string, reportError: (error: unknown) => void): void {
  const allowed = allowedHostNames(host);
  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply.header('allow', 'GET, HEAD');
      return plain(reply, 405, 'Method not allowed: the dashboard is read-only');
    }
    if (allowed !== null) {
      const name = hostName(request.headers.host);
      if (name === null || !allowed.has(name)) return plain(reply, 400, 'Bad request');
    }
    return undefined;
  });
  app.setNotFoundHandler((_request, reply) => plain(reply, 404, 'Not found'));
  app.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) reportError(error);
    return plain(reply, status >= 400 && status < 500 ? status : 500, status >= 500 ? 'Internal error' : 'Bad request');
  });
}
