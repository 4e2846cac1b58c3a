/**
 * Escaping, once, for every exporter. Strings that came from a results file (labels, host names, CPU
 * models, reasons, notes) are data wherever they land: a Markdown summary (a PR comment, GitHub's step
 * summary), HTML, XML (JUnit) or CSV. Line and paragraph separators (\r, \n, U+2028, U+2029) become
 * spaces in single-line formats so a label cannot start a new table row, heading or list item.
 */

const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/g;

/** Text for a Markdown table cell, heading or paragraph: no links, images, markup, HTML or new lines. */
export function escapeMarkdown(s: unknown): string {
  return String(s)
    .replace(/[\\`*_{}[\]()#+!|~>-]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(LINE_BREAKS, ' ');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text for XML content and attributes (JUnit); characters XML 1.0 forbids are dropped. */
export function escapeXml(s: unknown): string {
  return (
    String(s)
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c)
  );
}

/** One CSV cell (RFC 4180 quoting); null is an empty cell. */
export function escapeCsv(x: string | number | null): string {
  if (x === null) return '';
  const s = String(x);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Text as a Markdown inline code span: backticks and line breaks cannot end the span or the line. */
export function markdownCode(s: unknown): string {
  return `\`${String(s).replace(/`/g, "'").replace(LINE_BREAKS, ' ').replace(/\|/g, '\\|')}\``;
}
