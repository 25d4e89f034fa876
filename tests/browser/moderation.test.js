'use strict';
// A moderator, in English on a desktop: works the queue with the keyboard alone, hides a
// reported idea with a reason (the public then sees a tombstone with that reason), and tags
// several ideas at once from the idea list.

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

const moderator = () => ({ email: h.env('IDEABOX_MODERATOR_EMAIL'), password: h.env('IDEABOX_MODERATOR_PASSWORD') });

/** Presses Tab until `predicate` (run in the page on the focused element) holds. */
async function tabUntil(page, predicate, arg, { max = 40, backwards = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate(predicate, arg)) return;
  }
  throw new Error(`focus never reached the wanted element in ${max} presses of Tab`);
}

test('a moderator hides a reported idea from the queue using only the keyboard', async () => {
  const context = await h.newContext(browser, { lang: 'en' });
  const page = await context.newPage();
  const t = (key) => h.msg('en', key);
  const { email, password } = moderator();
  await h.login(page, email, password, '/moderation');
  assert.equal(new URL(page.url()).pathname, '/moderation');
  assert.equal((await page.locator('h1').innerText()).trim(), t('queue-title'));

  // The reported idea waits in the first section of the queue.
  const item = page.locator('#reported-heading + .queue-list > .queue-item').first();
  await item.waitFor();
  const ideaLink = await item.locator('.queue-item-title a').getAttribute('href');
  assert.match(ideaLink, /^\/ideas\/\d+$/);
  const ideaTitle = (await item.locator('.queue-item-title a').innerText()).trim();
  assert.ok((await item.locator('.queue-reasons').innerText()).includes(t('reason-off_topic')));

  // From the top of the page: Tab to the item's reason, choose it with the arrow keys, write a
  // note, Tab to "Hide" and press Enter.
  await page.keyboard.press('Tab');
  assert.equal(
    await page.evaluate(() => document.activeElement?.className),
    'skip-link',
    'the first Tab reaches the skip link',
  );
  const formId = await item.getAttribute('id');
  await tabUntil(page, (id) => document.activeElement?.id === `field-${id}-reason`, formId);
  for (let i = 0; i < 12; i++) {
    if ((await page.evaluate(() => document.activeElement.value)) === 'off_topic') break;
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await page.evaluate(() => document.activeElement.value), 'off_topic', 'the reason was chosen');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), `field-${formId}-note`);
  await page.keyboard.type('Not about the draft plan.');
  await tabUntil(page, () => document.activeElement?.getAttribute('value') === 'hide', null, { max: 6 });
  assert.equal((await page.evaluate(() => document.activeElement.innerText)).trim(), t('action-button-hide'));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);

  assert.equal(new URL(page.url()).pathname, '/moderation');
  assert.equal((await page.locator('.notice-success').innerText()).trim(), t('flash-moderation-hide'));
  assert.equal(
    await page.locator('#reported-heading + .queue-list .queue-item-title a', { hasText: ideaTitle }).count(),
    0,
    'the report left the queue',
  );

  // The public sees a tombstone with the reason, not the idea.
  const reader = await h.newContext(browser, { lang: 'en' });
  const readerPage = await reader.newPage();
  const response = await readerPage.goto(h.url(ideaLink));
  assert.equal(response.status(), 200);
  assert.equal((await readerPage.locator('h1').innerText()).trim(), t('idea-hidden-title'));
  const notice = (await readerPage.locator('.moderation-notice').first().innerText()).trim();
  assert.ok(notice.startsWith(t('idea-hidden-notice')), notice);
  assert.ok(notice.includes(t('moderation-reason-off_topic')), `the reason is shown: ${notice}`);
  assert.ok(!(await readerPage.locator('main').innerText()).includes(ideaTitle), 'the title is withheld');
  await reader.close();

  assert.deepEqual(context.problems, [], 'no CSP violations or script errors');
  await context.close();
});

test('a moderator tags several ideas at once from the idea list', async () => {
  const context = await h.newContext(browser, { lang: 'en' });
  const page = await context.newPage();
  const t = (key) => h.msg('en', key);
  const { email, password } = moderator();
  await h.login(page, email, password, `${DEMO}/ideas`);
  assert.equal(new URL(page.url()).pathname, `${DEMO}/ideas`);

  // "Select all" ticks and unticks every idea on the page.
  const boxes = page.locator('input[form="bulk-tag-form"][name="ids"]');
  const all = page.locator('#bulk-all');
  const total = await boxes.count();
  assert.ok(total >= 3, `the list offers ${total} ideas to select`);
  await all.check();
  assert.equal(await page.locator('input[form="bulk-tag-form"][name="ids"]:checked').count(), total);
  await all.uncheck();
  assert.equal(await page.locator('input[form="bulk-tag-form"][name="ids"]:checked').count(), 0);

  // Pick three ideas that do not carry the tag yet.
  const tag = 'accessibility';
  const untagged = page.locator('li.idea-item', {
    hasNot: page.locator(`a.tag[href$="tag=${tag}"]`),
  });
  assert.ok((await untagged.count()) >= 3, 'three ideas without the tag');
  const chosen = [];
  for (let i = 0; i < 3; i++) {
    const box = untagged.nth(i).locator('input[name="ids"]');
    await box.check();
    chosen.push(await box.getAttribute('value'));
  }
  await page.locator('#bulk-tag').selectOption(tag);
  const response = await h.submit(page, '.bulk-tag-actions');
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, `${DEMO}/ideas`);
  assert.equal(
    (await page.locator('.notice-success').innerText()).trim(),
    t('flash-bulk-tagged').replace('{ $count }', '3'),
  );

  // Each chosen idea now carries the tag, on the list and for everyone.
  for (const id of chosen) {
    const li = page.locator('li.idea-item', { has: page.locator(`h3 a[href="/ideas/${id}"]`) });
    assert.equal(await li.locator(`a.tag[href$="tag=${tag}"]`).count(), 1, `idea ${id} is tagged`);
  }
  const reader = await h.newContext(browser, { lang: 'en' });
  const readerPage = await reader.newPage();
  await readerPage.goto(h.url(`${DEMO}/ideas?tag=${tag}`));
  const listed = await readerPage.locator('.idea-item-title a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const id of chosen) assert.ok(listed.includes(`/ideas/${id}`), `idea ${id} is listed under the tag`);
  await reader.close();

  assert.deepEqual(context.problems, [], 'no CSP violations or script errors');
  await context.close();
});
