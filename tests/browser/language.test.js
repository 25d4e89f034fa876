'use strict';
// The language switch changes the language and keeps the reader on the same page.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('the language switch keeps the page and changes its language', async () => {
  const context = await h.newContext(browser, { lang: 'ja' });
  const page = await context.newPage();

  await page.goto(h.url('/login?next=%2Faccount'));
  assert.equal(await h.htmlLang(page), 'ja');
  assert.equal((await page.locator('h1').innerText()).trim(), h.msg('ja', 'login-title'));
  const button = page.locator('form.lang-switch button');
  assert.equal((await button.innerText()).trim(), h.msg('ja', 'switch-to-other-language'));
  assert.equal(await button.getAttribute('lang'), 'en', 'the switch is labelled in the language it offers');

  let response = await h.submit(page, 'form.lang-switch');
  assert.equal(response.status(), 200);
  let here = new URL(page.url());
  assert.equal(here.pathname, '/login', 'still on the login page');
  assert.equal(here.searchParams.get('next'), '/account', 'the query string survives the switch');
  assert.equal(await h.htmlLang(page), 'en');
  assert.equal((await page.locator('h1').innerText()).trim(), h.msg('en', 'login-title'));

  // The choice sticks on the next page, and the switch works back the other way.
  await page.goto(h.url('/register'));
  assert.equal(await h.htmlLang(page), 'en');
  response = await h.submit(page, 'form.lang-switch');
  here = new URL(page.url());
  assert.equal(here.pathname, '/register');
  assert.equal(await h.htmlLang(page), 'ja');

  assert.deepEqual(context.problems, [], 'no CSP violations or script errors');
  await context.close();
});
