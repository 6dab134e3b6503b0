// Escaping for the HTML the dashboard writes: every name shown comes from the file system.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** JSON safe inside a <script type="application/json"> element (no '</script>' can close it). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** A query string from key/value pairs, for links between pages. */
export function query(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

export function formatPercent(value: number | null, digits = 2): string {
  return value === null ? '–' : `${value.toFixed(digits)}%`;
}

export function formatFraction(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
