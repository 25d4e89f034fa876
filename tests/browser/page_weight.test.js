'use strict';
// Page weight and layout stability of the idea list, the page most people land on from a
// shared link, often on a phone over a slow line. HTML + CSS + JS together (uncompressed,
// images excluded) must stay under 50 KB, and nothing may move once the page is shown.
//
// Set IDEABOX_WEIGHT_REPORT to a file name to get the measured sizes as JSON.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./lib/harness');

/** 50 KB, counted in bytes of the uncompressed response bodies. */
const BUDGET_BYTES = 50 * 1024;
const COUNTED_TYPES = new Set(['document', 'stylesheet', 'script']);
/**
 * The demo consultation (sections, tags, answers) and the load-test one, whose first page is
 * full (20 ideas).
 */
const LISTS = [
  { path: '/c/digital-transformation-plan/ideas', minItems: 10 },
  { path: '/c/load-test/ideas', minItems: 20 },
];

let browser;
const report = {};
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
  if (process.env.IDEABOX_WEIGHT_REPORT) {
    fs.writeFileSync(process.env.IDEABOX_WEIGHT_REPORT, `${JSON.stringify(report, null, 2)}\n`);
  }
});

/**
 * Loads `path` in a fresh page with the cache off and returns every document, stylesheet and
 * script it fetched, with the size of its uncompressed body.
 */
async function weigh(context, path) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const pending = [];
  page.on('response', (response) => {
    const type = response.request().resourceType();
    if (!COUNTED_TYPES.has(type)) return;
    pending.push(
      response.body().then((body) => ({
        type,
        path: new URL(response.url()).pathname,
        status: response.status(),
        bytes: body.length,
      })),
    );
  });
  await page.goto(h.url(path), { waitUntil: 'load' });
  const resources = await Promise.all(pending);
  return { page, resources };
}

/** The sum of layout-shift scores since the page started, as the browser recorded them. */
function layoutShift(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        let total = 0;
        const entries = [];
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            if (!e.hadRecentInput) {
              total += e.value;
              entries.push(e.value);
            }
          }
        });
        observer.observe({ type: 'layout-shift', buffered: true });
        // Let late style, font or script work settle before reading the total.
        setTimeout(() => {
          for (const e of observer.takeRecords()) if (!e.hadRecentInput) total += e.value;
          observer.disconnect();
          resolve({ total, entries });
        }, 1000);
      }),
  );
}

for (const list of LISTS) {
  for (const lang of ['ja', 'en']) {
    for (const phone of [false, true]) {
      const device = phone ? 'phone' : 'desktop';
      test(`${list.path} weighs under 50 KB and does not shift [${lang}, ${device}]`, async () => {
        const context = await h.newContext(browser, { lang, phone });
        try {
          const { page, resources } = await weigh(context, list.path);
          assert.equal(await h.htmlLang(page), lang);
          const items = await page.locator('.idea-item').count();
          assert.ok(items >= list.minItems, `${list.path} shows ${items} ideas, expected ${list.minItems} or more`);

          assert.equal(resources.filter((r) => r.type === 'document').length, 1, 'one document');
          assert.ok(resources.some((r) => r.type === 'stylesheet'), 'the page is styled');
          for (const r of resources) assert.equal(r.status, 200, `${r.path} answered ${r.status}`);
          const total = resources.reduce((sum, r) => sum + r.bytes, 0);
          const lines = resources.map((r) => `${r.type} ${r.path}: ${r.bytes} B`).join('\n');
          if (!phone) report[`${list.path} [${lang}]`] = { resources, total };
          assert.ok(total <= BUDGET_BYTES, `${list.path} [${lang}] weighs ${total} B, over ${BUDGET_BYTES} B:\n${lines}`);

          const shift = await layoutShift(page);
          assert.ok(shift.total < 0.001, `the list shifted by ${shift.total} (${shift.entries.join(', ')})`);
          assert.deepEqual(context.problems, [], 'no CSP violations or script errors');
        } finally {
          await context.close();
        }
      });
    }
  }
}
