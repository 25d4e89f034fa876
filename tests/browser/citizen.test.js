'use strict';
// A citizen on a phone, in Japanese: registers, confirms the address from the mailbox, writes an
// idea while the similar ideas already posted show beside it, posts it and gets a receipt, then
// supports another idea and replies to a comment, both in place without leaving the page.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const DEMO = '/c/digital-transformation-plan';

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Counts the page loads of the main frame, to prove an action happened in place. */
function countNavigations(page) {
  const counter = { n: 0 };
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) counter.n += 1;
  });
  return counter;
}

test('a citizen registers, posts an idea seeing similar ones, votes and replies (phone, Japanese)', async () => {
  const context = await h.newContext(browser, { lang: 'ja', phone: true });
  const page = await context.newPage();
  const t = (key) => h.msg('ja', key);
  const stamp = Date.now();
  const email = `jiro.${stamp}@example.jp`;
  const password = 'autumn leaves in sendai 2026';

  // Register and confirm the address with the link from the mail.
  await page.goto(h.url('/register'));
  await page.locator('#field-email').fill(email);
  await page.locator('#field-display_name').fill('佐藤 次郎');
  await page.locator('#field-password').fill(password);
  let response = await h.submit(page, 'form[action="/register"]');
  assert.equal(new URL(page.url()).pathname, '/register/check-email');
  const mail = await h.waitForMail(email, { since: stamp });
  response = await page.goto(h.findLink(mail.text, '/verify'));
  assert.equal(response.status(), 200);
  assert.equal((await page.locator('h1').innerText()).trim(), t('verified-title'));
  response = await h.login(page, email, password, `${DEMO}/ideas/new`);
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, `${DEMO}/ideas/new`);
  assert.equal(await page.locator('.banner-warning').count(), 0, 'the account is verified');
  await h.assertNoHorizontalScroll(page);

  // Write an idea close to one already posted: the similar ideas show while typing, with no
  // page load, and each offers to support it instead.
  const navigations = countNavigations(page);
  const results = page.locator('#similar-results');
  assert.equal(await results.locator('.similar-item').count(), 0, 'nothing is suggested before typing');
  const title = '引っ越しの手続を全国どこでもワンストップに';
  await page.locator('#field-title').pressSequentially(title, { delay: 10 });
  await page.locator('#field-body').pressSequentially('引っ越しワンストップサービスを全国の自治体に広げてください。', { delay: 10 });
  const similar = results.locator('.similar-item');
  await similar.first().waitFor({ state: 'visible' });
  const suggested = await similar.locator('a').allInnerTexts();
  assert.ok(
    suggested.some((s) => s.includes('引っ越し')),
    `the idea about moving house is suggested: ${JSON.stringify(suggested)}`,
  );
  assert.equal(
    (await similar.first().locator('button').innerText()).trim(),
    t('similar-support-instead'),
  );
  assert.equal(navigations.n, 0, 'the suggestions came without a page load');
  await h.assertNoHorizontalScroll(page);

  // Post it: a receipt number comes back on the idea's page.
  response = await h.submit(page, '#idea-form');
  assert.equal(response.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/ideas\/\d+$/);
  const receipt = page.locator('.receipt-notice');
  assert.equal((await receipt.locator('h2').innerText()).trim(), t('idea-received-title'));
  assert.match((await receipt.locator('strong.receipt').innerText()).trim(), /^IB-\d{4}-\d{6}$/);
  assert.equal((await page.locator('h1').innerText()).trim(), title);
  await h.assertNoHorizontalScroll(page);

  // Support someone else's idea: the count and the button change in place.
  await page.goto(h.url(`${DEMO}/ideas?sort=discussed`));
  await h.follow(page, page.locator('.idea-item-title a').first());
  const ideaPath = new URL(page.url()).pathname;
  const support = page.locator('.vote-form button[data-vote="support"]');
  const count = page.locator('.vote [data-count="support"]');
  const before = Number(/\d+/.exec(await count.innerText())[0]);
  assert.equal(await support.getAttribute('aria-pressed'), 'false');
  const afterVote = countNavigations(page);
  await support.click();
  await page.waitForFunction(
    (sel) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'true',
    '.vote-form button[data-vote="support"]',
  );
  assert.equal((await count.innerText()).trim(), t('count-support').replace('{ $count }', String(before + 1)));
  assert.equal((await page.locator('.vote-status').innerText()).trim(), t('vote-yours-support'));
  assert.equal(afterVote.n, 0, 'voting did not reload the page');
  assert.equal(new URL(page.url()).pathname, ideaPath);

  // The vote was stored: a fresh load shows it.
  await page.reload();
  assert.equal(await support.getAttribute('aria-pressed'), 'true');
  assert.equal((await count.innerText()).trim(), t('count-support').replace('{ $count }', String(before + 1)));

  // Reply to the first comment: the reply form opens on demand and the reply appears in place.
  const first = page.locator('#comments > .comment-list > li.comment').first();
  const toggle = first.locator('button.reply-toggle');
  assert.equal((await toggle.innerText()).trim(), t('reply-submit'));
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  const afterReply = countNavigations(page);
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const replyText = `私も同じ意見です（${stamp}）`;
  const textarea = first.locator('form.reply-form textarea');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'the reply box takes focus');
  await textarea.fill(replyText);
  await first.locator('form.reply-form button[type="submit"]').click();
  const reply = page.locator('#comments li.comment-reply', { hasText: replyText });
  await reply.waitFor({ state: 'visible' });
  assert.ok((await reply.innerText()).includes('佐藤 次郎'), 'the reply shows its author');
  assert.equal(
    await page.evaluate(() => document.activeElement?.closest('li.comment')?.id),
    await reply.getAttribute('id'),
    'focus moves to the new reply',
  );
  assert.equal(afterReply.n, 0, 'replying did not reload the page');
  await h.assertNoHorizontalScroll(page);

  // Everyone sees the reply.
  const reader = await h.newContext(browser, { lang: 'ja', phone: true });
  const readerPage = await reader.newPage();
  await readerPage.goto(h.url(ideaPath));
  assert.equal(await readerPage.locator('#comments li.comment-reply', { hasText: replyText }).count(), 1);
  await reader.close();

  assert.deepEqual(context.problems, [], 'no CSP violations or script errors');
  await context.close();
});
