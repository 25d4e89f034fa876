'use strict';
// axe-core on every page, in Japanese and English, in the light and the dark colour scheme.
// Any violation of WCAG 2.1 A/AA or of axe's best practices fails the test and is printed.

const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const h = require('./lib/harness');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  resultTypes: ['violations'],
};

/**
 * Runs axe on the current page. The source is evaluated through the DevTools protocol, which
 * the site's Content-Security-Policy (no inline or injected scripts) does not apply to, so the
 * page is checked exactly as served.
 */
async function axe(page) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate((options) => window.axe.run(document, options), AXE_OPTIONS);
}

/** One readable paragraph per violation: rule, impact, help, and each offending element. */
function describeViolations(where, violations) {
  const lines = [`${violations.length} axe violation(s) on ${where}:`];
  for (const v of violations) {
    lines.push(`- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes) {
      lines.push(`    at ${node.target.join(' ')}`);
      lines.push(`       ${node.html.replace(/\s+/g, ' ').slice(0, 240)}`);
      const summary = (node.failureSummary || '').replace(/\s*\n\s*/g, ' / ');
      if (summary) lines.push(`       ${summary}`);
    }
  }
  return lines.join('\n');
}

async function assertNoViolations(page, where) {
  const results = await axe(page);
  if (results.violations.length > 0) {
    assert.fail(describeViolations(where, results.violations));
  }
}

let browser;
before(async () => {
  browser = await h.launchBrowser();
});
after(async () => {
  await browser?.close();
});

const admin = () => ({ email: h.env('IDEABOX_ADMIN_EMAIL'), password: h.env('IDEABOX_ADMIN_PASSWORD') });
const citizen = () => ({ email: h.env('IDEABOX_CITIZEN_EMAIL'), password: h.env('IDEABOX_CITIZEN_PASSWORD') });
const moderator = () => ({ email: h.env('IDEABOX_MODERATOR_EMAIL'), password: h.env('IDEABOX_MODERATOR_PASSWORD') });
const drafter = () => ({ email: h.env('IDEABOX_DRAFTER_EMAIL'), password: h.env('IDEABOX_DRAFTER_PASSWORD') });

/** The open consultation that `ideabox demo` creates, with ideas, comments, tags and reports. */
const DEMO = '/c/digital-transformation-plan';

/** Opens the demo consultation's idea list and follows its first idea that has comments. */
async function openIdeaWithComments(page) {
  await page.goto(h.url(`${DEMO}/ideas?sort=discussed`));
  await h.follow(page, page.locator('.idea-item-title a').first());
  assert.ok((await page.locator('#comments li.comment').count()) > 0, 'the idea shown has comments');
}

/** Fails unless the page shows `count` or more elements matching `selector`. */
async function expectAtLeast(page, selector, count) {
  const n = await page.locator(selector).count();
  assert.ok(n >= count, `${page.url()} shows ${n} × ${selector}, expected at least ${count}`);
}

/**
 * The pages checked. `open` leaves the page to check loaded in `page`; `as` signs in first.
 */
const PAGES = [
  { name: 'home', open: (page) => page.goto(h.url('/')) },
  { name: 'login', open: (page) => page.goto(h.url('/login')) },
  {
    name: 'login with an error',
    open: async (page) => {
      await page.goto(h.url('/login'));
      await page.locator('#field-email').fill('nobody@example.jp');
      await page.locator('#field-password').fill('not the right password');
      await h.submit(page, 'form[action="/login"]');
    },
  },
  { name: 'register', open: (page) => page.goto(h.url('/register')) },
  {
    name: 'register with errors',
    open: async (page) => {
      await page.goto(h.url('/register'));
      await h.submit(page, 'form[action="/register"]');
    },
  },
  { name: 'forgot password', open: (page) => page.goto(h.url('/password/forgot')) },
  { name: 'resend verification', open: (page) => page.goto(h.url('/verify/resend')) },
  { name: 'invalid link', open: (page) => page.goto(h.url('/verify?token=not-a-real-token')) },
  { name: 'not found', open: (page) => page.goto(h.url('/no-such-page')) },
  { name: 'account (unverified citizen)', as: citizen, open: (page) => page.goto(h.url('/account')) },
  {
    name: 'account with a new API token',
    as: admin,
    open: async (page) => {
      await page.goto(h.url('/account'));
      await page.locator('#field-token-name').fill('a11y check');
      await h.submit(page, 'form[action="/account/tokens"]');
    },
  },
  { name: 'admin users', as: admin, open: (page) => page.goto(h.url('/admin/users')) },
  {
    name: 'consultation',
    open: async (page) => {
      await page.goto(h.url(DEMO));
      await expectAtLeast(page, 'main a[href^="/ideas/"]', 1);
    },
  },
  {
    name: 'idea list',
    open: async (page) => {
      await page.goto(h.url(`${DEMO}/ideas`));
      await expectAtLeast(page, '.idea-item', 10);
    },
  },
  {
    name: 'idea list with filters applied',
    open: async (page) => {
      await page.goto(h.url(`${DEMO}/ideas?sort=top&section=s1&q=%E3%81%82`));
      await expectAtLeast(page, '.filter-summary', 1);
    },
  },
  { name: 'idea with comments', open: openIdeaWithComments },
  { name: 'search with results', open: async (page) => {
      await page.goto(h.url('/search?q=%E3%83%87%E3%82%B8%E3%82%BF%E3%83%AB'));
      await expectAtLeast(page, 'main li a[href^="/ideas/"]', 1);
    },
  },
  { name: 'search with no results', open: (page) => page.goto(h.url('/search?q=zzzqqqxxx')) },
  {
    name: 'idea list with bulk tagging (moderator)',
    as: moderator,
    open: async (page) => {
      await page.goto(h.url(`${DEMO}/ideas`));
      await expectAtLeast(page, 'input[form="bulk-tag-form"][name="ids"]', 10);
    },
  },
  {
    name: 'idea with moderation controls (moderator)',
    as: moderator,
    open: openIdeaWithComments,
  },
  {
    name: 'comment report (moderator)',
    as: moderator,
    open: async (page) => {
      await openIdeaWithComments(page);
      await h.follow(page, page.locator('#comments .comment-report a').first());
      await expectAtLeast(page, 'form.report-form input[name="reason"]', 5);
      await expectAtLeast(page, '.reported-comment blockquote', 1);
    },
  },
  {
    name: 'comment report with errors (moderator)',
    as: moderator,
    open: async (page) => {
      await openIdeaWithComments(page);
      await h.follow(page, page.locator('#comments .comment-report a').first());
      const response = await h.submit(page, 'form.report-form');
      assert.equal(response.status(), 422);
      await expectAtLeast(page, '.error-summary a', 1);
    },
  },
  {
    name: 'moderation queue with reports (moderator)',
    as: moderator,
    open: async (page) => {
      await page.goto(h.url('/moderation'));
      await expectAtLeast(page, '#reported-heading + .queue-list .queue-item', 1);
      await expectAtLeast(page, '#newest-heading + .queue-list .queue-item', 1);
    },
  },
  {
    name: 'new idea with errors',
    as: moderator,
    open: async (page) => {
      await page.goto(h.url(`${DEMO}/ideas/new`));
      const response = await h.submit(page, '#idea-form');
      assert.equal(response.status(), 422);
      await expectAtLeast(page, '.error-summary a', 2);
    },
  },
  {
    name: 'new idea with a preview and similar ideas',
    as: moderator,
    open: async (page) => {
      await page.goto(h.url(`${DEMO}/ideas/new`));
      await page.locator('#field-title').fill('マイナンバーカードの手続をオンラインで');
      await page.locator('#field-body').fill('行政手続のデジタル化を進めてください。');
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.locator('#idea-form button[value="preview"]').click(),
      ]);
      await expectAtLeast(page, '#preview-heading', 1);
    },
  },
  {
    name: 'report (drafter)',
    as: drafter,
    open: async (page) => {
      await page.goto(h.url(`${DEMO}/report`));
      await expectAtLeast(page, 'main table', 1);
    },
  },
  {
    name: 'answer form (drafter)',
    as: drafter,
    open: async (page) => {
      await openIdeaWithComments(page);
      const id = new URL(page.url()).pathname.split('/').pop();
      await page.goto(h.url(`/ideas/${id}/response`));
      await expectAtLeast(page, 'form.answer-form', 1);
    },
  },
  { name: 'export form (drafter)', as: drafter, open: (page) => page.goto(h.url(`${DEMO}/export`)) },
  { name: 'record a submission (moderator)', as: moderator, open: (page) => page.goto(h.url(`${DEMO}/submissions/new`)) },
  {
    name: 'record a submission with errors (moderator)',
    as: moderator,
    open: async (page) => {
      await page.goto(h.url(`${DEMO}/submissions/new`));
      await h.submit(page, `form[action="${DEMO}/submissions/new"]`);
    },
  },
  { name: 'import submissions (moderator)', as: moderator, open: (page) => page.goto(h.url(`${DEMO}/submissions/import`)) },
  {
    name: 'campaign ledger (moderator)',
    as: moderator,
    open: async (page) => {
      await page.goto(h.url(`${DEMO}/campaigns`));
      await expectAtLeast(page, 'a[href^="/campaigns/"]', 1);
    },
  },
  {
    name: 'a campaign with its copies (drafter)',
    as: drafter,
    open: async (page) => {
      await page.goto(h.url(`${DEMO}/campaigns`));
      await h.follow(page, page.locator('a[href^="/campaigns/"]').first());
      await expectAtLeast(page, 'mark.addition', 1);
    },
  },
  {
    name: 'a regrouping job (moderator)',
    as: moderator,
    open: async (page) => {
      await page.goto(h.url(`${DEMO}/campaigns`));
      await h.submit(page, `form[action="${DEMO}/campaigns/regroup"]`);
    },
  },
];

for (const colorScheme of ['light', 'dark']) {
  for (const lang of ['ja', 'en']) {
    describe(`axe [${lang}, ${colorScheme}]`, () => {
      let context;
      let signedInAs = null;
      before(async () => {
        context = await h.newContext(browser, { lang, colorScheme });
      });
      after(async () => {
        await context?.close();
      });

      for (const spec of PAGES) {
        test(spec.name, async () => {
          const page = await context.newPage();
          try {
            const who = spec.as ? spec.as() : null;
            if ((who?.email ?? null) !== signedInAs) {
              await context.clearCookies();
              signedInAs = null;
              if (who) {
                await h.login(page, who.email, who.password);
                assert.ok(
                  (await page.locator('form[action="/logout"]').count()) > 0,
                  `could not sign in as ${who.email}`,
                );
                signedInAs = who.email;
              }
            }
            await page.goto(h.url('/'));
            await h.ensureLang(page, lang);
            await spec.open(page);
            assert.equal(await h.htmlLang(page), lang);
            await assertNoViolations(page, `${spec.name} (${new URL(page.url()).pathname}) [${lang}, ${colorScheme}]`);
          } finally {
            await page.close();
          }
        });
      }

      test('pages ran clean under the Content-Security-Policy', () => {
        assert.deepEqual(context.problems, []);
      });
    });
  }
}
