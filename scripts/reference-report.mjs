// Regenerates docs/reference/ from results/reference/*.json with this checkout's virtax: the report (HTML,
// Markdown, PNG charts), the api-gateway advice, and the 1400x900 Chromium screenshot of the report's first
// screen (playwright-core with Debian's chromium, as test/integration/report-browser.test.ts).
// Usage: node scripts/reference-report.mjs   (after npm ci; needs /usr/bin/chromium for the screenshot)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const files = readdirSync(join(repo, 'results/reference'))
  .filter((n) => n.endsWith('.json'))
  .sort()
  .map((n) => join('results/reference', n));
const virtax = (args) =>
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', ...args], { cwd: repo, encoding: 'utf8' });
process.stdout.write(
  virtax([
    'report',
    ...files,
    '--out',
    'docs/reference/report.html',
    '--markdown',
    'docs/reference/report.md',
    '--png',
    'docs/reference/charts',
  ]),
);
writeFileSync(
  join(repo, 'docs/reference/advice-api-gateway.txt'),
  virtax(['advise', ...files, '--profile', 'examples/profiles/api-gateway.json']),
);
if (existsSync('/usr/bin/chromium')) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`file://${join(repo, 'docs/reference/report.html')}`);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(repo, 'docs/reference/report-first-screen.png') });
  await browser.close();
  console.log('wrote docs/reference/report-first-screen.png');
} else console.log('no /usr/bin/chromium: screenshot not taken');
