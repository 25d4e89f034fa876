'use strict';
// A moderator, in Japanese on a desktop, receives a bundle of letters: uploads their CSV on the
// import page, watches the job finish and reads every line's receipt number; then finds the
// demo's form letter once in the campaign ledger, with what each copy added highlighted.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./lib/harness');

const DEMO = '/c/digital-transformation-plan';

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a moderator imports a CSV of letters and reads every receipt number (Japanese)', async () => {
  const context = await h.newContext(browser, { lang: 'ja' });
  const page = await context.newPage();
  await h.login(page, h.env('IDEABOX_MODERATOR_EMAIL'), h.env('IDEABOX_MODERATOR_PASSWORD'), `${DEMO}/submissions/import`);
  assert.equal(new URL(page.url()).pathname, `${DEMO}/submissions/import`);

  const stamp = Date.now();
  const rows = ['channel,received_at,submitter_name,body'];
  for (let i = 0; i < 25; i++) {
    rows.push(`post,2026-11-30,差出人 ${i},郵送で届いた意見その${i}（${stamp}）です。窓口の手続をオンラインにしてください。`);
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ideabox-import-')), 'letters.csv');
  fs.writeFileSync(file, rows.join('\r\n') + '\r\n');
  await page.locator('#field-file').setInputFiles(file);
  await Promise.all([
    page.waitForURL(/\/jobs\/\d+$/),
    page.locator('#import-form button[type="submit"]').click(),
  ]);
  // The page follows the job and shows the result once it ends.
  await page.locator('#job-receipts-heading').waitFor({ timeout: 60_000 });
  const receipts = await page.locator('table[aria-labelledby="job-receipts-heading"] tbody tr').count();
  assert.equal(receipts, 25, 'one receipt number per line');
  const first = await page.locator('table[aria-labelledby="job-receipts-heading"] tbody tr').first().innerText();
  assert.match(first, /^2\s+IB-\d{4}-\d{6}/, 'line 2 is the first letter');
  assert.equal(await page.locator('text=差出人 0').count(), 0, 'no sender on the job page');

  // The demo's form letter shows once, with the copies' own sentences marked.
  await page.goto(h.url(`${DEMO}/campaigns`));
  const campaigns = page.locator('a[href^="/campaigns/"]');
  assert.ok((await campaigns.count()) >= 1, 'the demo has a campaign');
  await h.follow(page, campaigns.first());
  assert.ok((await page.locator('mark.addition').count()) >= 1, 'additions are highlighted');
  assert.ok((await page.locator('figure.chart svg').count()) === 1, 'arrivals chart');
  await context.close();
});
