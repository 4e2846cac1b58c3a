/**
 * JUnit XML, the one writer every exporter shares (gate, compare, duel, run): a `<testsuites>` holding one
 * `<testsuite>` with properties and one `<testcase>` per workload. Each case fails, is skipped, or passes
 * with a line in system-out. The layout follows the de facto schema CI systems read (Jenkins, GitLab,
 * GitHub test reporters): counts on both suite elements, time="0" because the figures are not test times.
 */
import { escapeXml } from './escape.js';

export interface JunitCase {
  classname: string;
  name: string;
  failure?: { type: string; message: string; text: string };
  skipped?: string;
  systemOut?: string;
}

export function junitXml(suite: string, properties: readonly (readonly [string, string])[], cases: readonly JunitCase[]): string {
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => !c.failure && c.skipped !== undefined).length;
  const attrs = `name="${escapeXml(suite)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0"`;
  const body = cases.map((c) => {
    const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="0"`;
    let inner: string | null = null;
    if (c.failure)
      inner = `      <failure type="${escapeXml(c.failure.type)}" message="${escapeXml(c.failure.message)}">${escapeXml(c.failure.text)}</failure>`;
    else if (c.skipped !== undefined) inner = `      <skipped message="${escapeXml(c.skipped)}"/>`;
    else if (c.systemOut !== undefined) inner = `      <system-out>${escapeXml(c.systemOut)}</system-out>`;
    return inner === null ? `${open}/>` : `${open}>\n${inner}\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs}>`,
    `  <testsuite ${attrs}>`,
    '    <properties>',
    ...properties.map(([k, v]) => `      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`),
    '    </properties>',
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
