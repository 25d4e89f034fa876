'use strict';
// A form sent empty comes back with an error summary whose links lead to the fields.

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

for (const lang of ['ja', 'en']) {
  test(`an empty registration shows an error summary linked to the fields [${lang}]`, async () => {
    const context = await h.newContext(browser, { lang });
    const page = await context.newPage();
    await page.goto(h.url('/register'));
    assert.equal(await h.htmlLang(page), lang);

    const response = await h.submit(page, 'form[action="/register"]');
    assert.equal(response.status(), 422, 'a validation failure is answered with 422');
    assert.equal(new URL(page.url()).pathname, '/register');

    const summary = page.locator('.error-summary');
    assert.equal(await summary.getAttribute('role'), 'alert');
    assert.equal(
      (await summary.locator('h2').innerText()).trim(),
      h.msg(lang, 'error-summary-title'),
    );
    const links = summary.locator('a');
    const found = [];
    for (let i = 0; i < (await links.count()); i++) {
      found.push({
        href: await links.nth(i).getAttribute('href'),
        text: (await links.nth(i).innerText()).trim(),
      });
    }
    assert.deepEqual(found, [
      { href: '#field-email', text: h.msg(lang, 'error-email-required') },
      { href: '#field-display_name', text: h.msg(lang, 'error-name-required') },
      { href: '#field-password', text: h.msg(lang, 'error-password-too-short') },
    ]);

    for (const { href } of found) {
      const field = page.locator(href);
      assert.equal(await field.count(), 1, `${href} exists`);
      assert.equal(await field.getAttribute('aria-invalid'), 'true', `${href} is marked invalid`);
      const describedBy = (await field.getAttribute('aria-describedby')) || '';
      assert.ok(describedBy.split(/\s+/).includes(`${href.slice(1)}-error`), `${href} is described by its error`);
      // Following a summary link puts the reader in the field.
      await summary.locator(`a[href="${href}"]`).click();
      assert.equal(await page.evaluate(() => `#${document.activeElement?.id}`), href, `${href} takes focus`);
    }

    assert.deepEqual(context.problems, [], 'no CSP violations or script errors');
    await context.close();
  });
}
