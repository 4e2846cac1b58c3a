import { describe, expect, it } from 'vitest';
import { chartLibraries, escapeHtml, jsonForScript, renderReport } from '../../src/report/html.js';
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown.js';
import { buildReportModel } from '../../src/report/model.js';
import { threeHosts } from '../helpers/report-fixtures.js';

const opts = { baseline: 'metal', noisePct: 1, generatedAt: '2026-11-25T00:00:00.000Z', toolVersion: '0.1.0' };

function reportFor(label: string): string {
  const { files, comparisons } = threeHosts(label);
  files[1]!.host.cpu.model = `${label} CPU`;
  return renderReport(buildReportModel({ files, comparisons, ...opts }));
}

/** The report without the inlined vega libraries (their own source mentions <img> and src=). */
function ours(html: string): string {
  const libs = chartLibraries();
  expect(html.includes(libs)).toBe(true);
  return html.replace(libs, '');
}

describe('HTML report escaping', () => {
  it('escapes HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('JSON inside <script> cannot end the element or break the parser', () => {
    const s = jsonForScript({ a: '</script><b>&\u2028\u2029' });
    expect(s).toBe('{"a":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u2028\\u2029"}');
    expect(JSON.parse(s)).toEqual({ a: '</script><b>&\u2028\u2029' });
  });

  it('a label that is markup appears only as text', () => {
    const html = ours(reportFor('<img src=x onerror=alert(1)>'));
    expect(html.includes('<img')).toBe(false);
    expect(html.includes('&lt;img src=x onerror=alert(1)&gt;')).toBe(true);
  });

  it('a label with </script> cannot close a script element', () => {
    const html = ours(reportFor('</script><script>alert(1)</script>'));
    const opened = html.match(/<script\b/gi)?.length ?? 0;
    const closed = html.match(/<\/script/gi)?.length ?? 0;
    expect(opened).toBe(2); // the chart JSON and the boot script
    expect(closed).toBe(2);
  });

  it('is self-contained: no external URL is loaded', () => {
    const html = ours(reportFor('plain'));
    expect(/<(script|link|img|iframe)\b[^>]*\s(src|href)=/i.test(html)).toBe(false);
    expect(html.includes('sourceMappingURL')).toBe(false);
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/);
  });

  it('has every section the issue asks for', () => {
    const html = reportFor('kvm-vm');
    for (const id of ['headline', 'hosts', 'charts', 'comparisons', 'noise', 'noisy-neighbor', 'methodology'])
      expect(html.includes(`<h2 id="${id}">`), id).toBe(true);
    expect(html.includes('CPU models differ')).toBe(true);
    expect(html.includes('10000 resamples, seed 1')).toBe(true);
  });

  it('Markdown escapes labels so they cannot inject links or markup', () => {
    expect(escapeMarkdown('[x](http://e) <b> |')).toBe('\\[x\\]\\(http://e\\) &lt;b\\> \\|');
    const { files, comparisons } = threeHosts('<img src=x onerror=alert(1)>');
    const md = renderMarkdown(buildReportModel({ files, comparisons, ...opts }));
    expect(md).not.toContain('<img');
    expect(md).toContain('| kvm\\-vm'.replace('kvm\\-vm', '&lt;img src=x onerror=alert\\(1\\)\\>'));
  });
});
