'use strict';
// A drafter, in Japanese on a desktop: answers an idea as a draft (the public does not see it
// yet), publishes it (now everyone does), then downloads the CSV export and finds the answer in
// it, in a file Excel opens as UTF-8.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./lib/harness');

const DEMO = '/c/digital-transformation-plan';

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Parses RFC 4180 CSV (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

test('a drafter answers an idea, publishes the answer and downloads the CSV export (Japanese)', async () => {
  const context = await h.newContext(browser, { lang: 'ja' });
  const page = await context.newPage();
  const t = (key) => h.msg('ja', key);
  const email = h.env('IDEABOX_DRAFTER_EMAIL');
  await h.login(page, email, h.env('IDEABOX_DRAFTER_PASSWORD'), `${DEMO}/ideas?sort=top`);
  assert.equal(await page.locator('form[action="/logout"]').count() > 0, true, 'signed in');

  // An idea nobody has answered yet.
  const unanswered = page.locator('li.idea-item', { hasNot: page.locator('.badge-response') });
  assert.ok((await unanswered.count()) > 0, 'the list has an unanswered idea');
  await h.follow(page, unanswered.first().locator('.idea-item-title a'));
  const ideaPath = new URL(page.url()).pathname;
  const title = (await page.locator('h1').innerText()).trim();
  const receipt = (await page.locator('.idea-header .receipt').innerText()).split(/[:：]\s*/).pop().trim();
  assert.match(receipt, /^IB-\d{4}-\d{6}$/);
  assert.equal(await page.locator('.official-response').count(), 0, 'no answer yet');

  // Draft the answer in the panel on the idea page.
  const panel = page.locator('details.answer-panel');
  await panel.locator('summary').click();
  const answer = `ご意見ありがとうございます。計画の第1章に反映します（${Date.now()}）。`;
  await panel.locator('select[name="status"]').selectOption('adopted');
  await panel.locator('textarea[name="body"]').fill(answer);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    panel.locator('button[value="draft"]').click(),
  ]);
  assert.equal((await page.locator('.notice-success').innerText()).trim(), t('flash-response-draft-saved'));
  assert.ok((await page.locator('.answer-draft').innerText()).includes(answer), 'the draft shows to the drafter');

  const reader = await h.newContext(browser, { lang: 'ja' });
  const readerPage = await reader.newPage();
  await readerPage.goto(h.url(ideaPath));
  assert.equal(await readerPage.locator('.official-response').count(), 0, 'a draft is not public');
  assert.ok(!(await readerPage.locator('main').innerText()).includes(answer));

  // Publish it.
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator('details.answer-panel button[value="publish"]').click(),
  ]);
  assert.equal((await page.locator('.notice-success').innerText()).trim(), t('flash-response-published'));

  await readerPage.goto(h.url(ideaPath));
  const official = readerPage.locator('.official-response');
  assert.equal(await official.count(), 1, 'the published answer is public');
  assert.equal((await official.locator('.badge-response').innerText()).trim(), t('response-status-adopted'));
  assert.ok((await official.locator('.response-body').innerText()).includes(answer));
  await reader.close();

  // Download the CSV export.
  await page.goto(h.url(`${DEMO}/export`));
  assert.equal(await page.locator('#format-csv').isChecked(), true, 'CSV is the default');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('form.export-form button[type="submit"]').click(),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const bytes = fs.readFileSync(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark, for Excel');
  const text = bytes.subarray(3).toString('utf8');
  assert.ok(!text.includes(email), 'no email addresses');
  assert.doesNotMatch(text, /[\w.+-]+@[\w-]+\.[\w.]+/, 'no email addresses at all');

  const rows = parseCsv(text);
  const header = rows[0];
  const col = (key) => {
    const i = header.indexOf(t(key));
    assert.ok(i >= 0, `the header has ${t(key)}: ${JSON.stringify(header)}`);
    return i;
  };
  const body = rows.slice(1).filter((r) => r.length > 1);
  assert.ok(body.length >= 10, `the export holds the ideas (${body.length} rows)`);
  for (const r of body) assert.equal(r.length, header.length, 'every row has every column');
  const row = body.find((r) => r[col('export-col-receipt')] === receipt);
  assert.ok(row, `the answered idea ${receipt} is in the export`);
  assert.equal(row[col('export-col-title')], title);
  assert.equal(row[col('export-col-response-status')], 'adopted', 'statuses are exported as codes');
  assert.ok(row[col('export-col-response')].includes(answer), 'the published answer is exported');
  assert.match(row[col('export-col-date')], /^\d{4}-\d{2}-\d{2}$/, 'dates are rounded to the day');

  assert.deepEqual(context.problems, [], 'no CSP violations or script errors');
  await context.close();
});
