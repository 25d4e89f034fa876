'use strict';
// A citizen's first visit on a phone, in Japanese: register, confirm the email from the
// mailbox, sign in, change the password, download their data, sign out and back in.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./lib/harness');

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('a new citizen registers, verifies, manages the account and signs out (phone, Japanese)', async () => {
  const context = await h.newContext(browser, { lang: 'ja', phone: true });
  const page = await context.newPage();
  const stamp = Date.now();
  const email = `hanako.${stamp}@example.jp`;
  const displayName = '山田 花子';
  const firstPassword = 'blue sky over kyoto 2026';
  const newPassword = 'green tea at dawn in nara 2027';
  const t = (key) => h.msg('ja', key);

  // Register.
  await page.goto(h.url('/register'));
  assert.equal(await h.htmlLang(page), 'ja', 'a Japanese browser gets the Japanese site');
  await assert.doesNotReject(page.locator('h1', { hasText: t('register-title') }).waitFor());
  await h.assertNoHorizontalScroll(page);
  await page.locator('#field-email').fill(email);
  await page.locator('#field-display_name').fill(displayName);
  await page.locator('#field-password').fill(firstPassword);
  let response = await h.submit(page, 'form[action="/register"]');
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/register/check-email');
  assert.equal((await page.locator('h1').innerText()).trim(), t('register-check-email-title'));

  // The verification mail, in Japanese, with a single-use link.
  const mail = await h.waitForMail(email, { since: stamp });
  assert.equal(mail.subject, t('mail-verify-email-subject'), `subject of ${mail.file}`);
  assert.ok(mail.text.includes(displayName), 'the mail greets the person by display name');
  const verifyLink = h.findLink(mail.text, '/verify');
  assert.match(verifyLink, /\/verify\?token=[A-Za-z0-9_-]{43}$/);
  assert.ok(mail.html.includes(verifyLink.replace(/&/g, '&amp;')), 'the HTML part carries the same link');

  // Follow the link.
  response = await page.goto(verifyLink);
  assert.equal(response.status(), 200);
  assert.equal((await page.locator('h1').innerText()).trim(), t('verified-title'));
  await h.assertNoHorizontalScroll(page);

  // Sign in.
  response = await h.login(page, email, firstPassword);
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/');
  await assert.doesNotReject(page.locator('form[action="/logout"] button').waitFor({ state: 'visible' }));

  // The account page.
  response = await page.goto(h.url('/account'));
  assert.equal(response.status(), 200);
  assert.equal((await page.locator('h1').innerText()).trim(), t('account-title'));
  assert.equal(response.headers()['cache-control'], 'no-store', 'personal pages are not cached');
  assert.ok((await page.locator('main').innerText()).includes(email));
  assert.equal(await page.locator('.banner-warning').count(), 0, 'no "unverified" banner once verified');
  await h.assertNoHorizontalScroll(page);

  // Change the password.
  await page.locator('#field-password-current_password').fill(firstPassword);
  await page.locator('#field-password-new_password').fill(newPassword);
  response = await h.submit(page, 'form[action="/account/password"]');
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/account');
  assert.equal((await page.locator('.notice-success').innerText()).trim(), t('flash-password-changed'));

  // Download my data.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('a[href="/account/data"]').click(),
  ]);
  assert.equal(download.suggestedFilename(), 'ideabox-my-data.json');
  const data = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(data.account.email, email);
  assert.equal(data.account.display_name, displayName);
  assert.ok(data.account.email_verified_at, 'the export shows the address as verified');

  // Sign out with the header button.
  response = await h.submit(page, '.site-header form[action="/logout"]');
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/');
  assert.equal((await page.locator('.notice-success').innerText()).trim(), t('flash-logged-out'));
  assert.equal(await page.locator('form[action="/logout"]').count(), 0, 'no logout button once signed out');

  // The account page now asks for a login and comes back after it.
  response = await page.goto(h.url('/account'));
  const landed = new URL(page.url());
  assert.equal(landed.pathname, '/login');
  assert.equal(landed.searchParams.get('next'), '/account');

  // The old password no longer works; the new one does.
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(firstPassword);
  response = await h.submit(page, 'form[action="/login"]');
  assert.equal(response.status(), 422);
  assert.ok((await page.locator('.error-summary').innerText()).includes(t('error-login-failed')));

  response = await h.login(page, email, newPassword, '/account');
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/account');
  assert.equal((await page.locator('h1').innerText()).trim(), t('account-title'));

  assert.deepEqual(context.problems, [], 'no CSP violations or script errors');
  await context.close();
});
