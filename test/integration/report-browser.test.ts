/**
 * The report as a user sees it: Debian's chromium (never a downloaded browser) opens the HTML from
 * file:// with every network request blocked; every chart must draw an SVG with no console error, and a
 * results file labelled `<img src=x onerror=alert(1)>` must not run script (a dialog would show it).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/html.js';
import { buildReportModel } from '../../src/report/model.js';
import { reportSpecs } from '../../src/report/specs.js';
import { advise } from '../../src/advise/advise.js';
import { threeHosts } from '../helpers/report-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.log(`report-browser: skipped: ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

describe('HTML report in headless chromium', () => {
  it.skipIf(!haveChromium)(
    'renders every chart offline from file://, runs no injected script, and writes a screenshot',
    async () => {
      const { chromium } = await import('playwright-core');
      const evil = '<img src=x onerror=alert(1)>';
      const { files, comparisons } = threeHosts(evil);
      const profile = {
        name: `api ${evil}`,
        weights: { network: 2, cpu: 1 },
        latencySensitive: true,
        p99BudgetPct: 50,
        sensitiveData: true,
        fleetSize: 40,
        costPerHost: { metal: 500, [evil]: 300, docker: 290 },
      };
      const model = buildReportModel({
        files,
        comparisons,
        baseline: 'metal',
        noisePct: 1,
        generatedAt: '2026-11-25T00:00:00.000Z',
        toolVersion: '0.1.0',
        advice: advise({ profile, files, baseline: 'metal', comparisons }),
      });
      const names = reportSpecs(model).map((s) => s.name);
      mkdirSync('test-output', { recursive: true });
      const path = resolve('test-output/report-browser.html');
      writeFileSync(path, renderReport(model));

      const browser = await chromium.launch({
        executablePath: CHROMIUM,
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
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const requested: string[] = [];
        await page.route('**/*', (route) => {
          const url = route.request().url();
          if (url.startsWith('file:')) return route.continue();
          requested.push(url);
          return route.abort();
        });
        const errors: string[] = [];
        const dialogs: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        await page.goto(pathToFileURL(path).href);
        await page.waitForFunction(`document.querySelectorAll('.chart[data-rendered]').length === ${names.length}`, undefined, {
          timeout: 30_000,
        });
        const charts = await page.$$eval('.chart', (els) =>
          els.map((e) => ({
            name: e.getAttribute('data-chart'),
            state: e.getAttribute('data-rendered'),
            svg: e.querySelectorAll('svg').length,
            marks: e.querySelectorAll('svg .mark-symbol path, svg .mark-rule line, svg .mark-rect path').length,
          })),
        );
        expect(charts.map((c) => c.name)).toEqual(names);
        for (const c of charts) {
          expect(c.state, c.name ?? '').toBe('true');
          expect(c.svg, c.name ?? '').toBeGreaterThan(0);
          expect(c.marks, c.name ?? '').toBeGreaterThan(0);
        }
        expect(dialogs).toEqual([]);
        // The first screen: the hosts x categories table lies wholly inside the first 900 pixels.
        const table = await page.locator('table.cost').boundingBox();
        expect(table && table.y + table.height).toBeLessThan(900);
        // The hostile label is on screen as text, and hovering its point shows a tooltip without running it.
        expect(await page.locator('h3', { hasText: evil }).count()).toBe(1);
        await page.hover('#chart-overall svg .mark-symbol path');
        await page.waitForTimeout(300);
        await page.screenshot({ path: 'test-output/report.png', fullPage: true });
        expect(dialogs).toEqual([]);
        expect(await page.evaluate("document.querySelectorAll('img').length")).toBe(0);
        expect(errors).toEqual([]);
        expect(requested).toEqual([]);
        expect(existsSync('test-output/report.png')).toBe(true);
      } finally {
        await browser.close();
      }
    },
    90_000,
  );
});
