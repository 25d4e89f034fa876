'use strict';
// Shared helpers for the browser tests: the site under test, the browser, the message
// catalogs, the mail outbox and a few page actions.

const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Reads a required environment variable, failing with a clear message. */
function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the browser tests through tests/browser/run.sh`);
  }
  return value;
}

const BASE_URL = () => env('IDEABOX_URL').replace(/\/$/, '');
const url = (p) => `${BASE_URL()}${p}`;

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts the system Chromium. Playwright gives every launch a fresh, temporary user-data
 * directory (under TMPDIR, which run.sh points at its own scratch folder).
 */
async function launchBrowser() {
  const executablePath = process.env.IDEABOX_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath} (apt-get install chromium)`);
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Browser languages, as a phone or desktop browser would send them. */
const LOCALES = { ja: 'ja-JP', en: 'en-US' };

/**
 * A fresh context (own cookies) whose browser prefers `lang`. Collects Content-Security-Policy
 * violations and script errors on `context.problems`, so tests can assert the pages run clean
 * under the site's real CSP.
 */
async function newContext(browser, { lang = 'ja', phone = false, colorScheme = 'light' } = {}) {
  const options = {
    locale: LOCALES[lang],
    colorScheme,
    acceptDownloads: true,
  };
  if (phone) {
    Object.assign(options, {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
    });
  } else {
    options.viewport = { width: 1280, height: 900 };
  }
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  context.problems = [];
  context.on('page', (page) => watchPage(context, page));
  return context;
}

function watchPage(context, page) {
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) {
      context.problems.push(`${page.url()}: ${text}`);
    }
  });
  page.on('pageerror', (err) => context.problems.push(`${page.url()}: script error: ${err.message}`));
}

// ---------------------------------------------------------------------------------------------
// Message catalogs: the expected texts come from assets/locales, so the tests check that the
// right message is shown in the right language without copying the wording.

const catalogs = {};

/** The message `key` in `lang` (single-line Fluent messages; `{ $x }` placeholders kept). */
function msg(lang, key) {
  if (!catalogs[lang]) {
    const file = path.join(REPO_ROOT, 'assets', 'locales', lang, 'main.ftl');
    const entries = {};
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      const m = /^([a-z0-9_-]+) = (.*)$/.exec(line);
      if (m) entries[m[1]] = m[2].trim();
    }
    catalogs[lang] = entries;
  }
  const text = catalogs[lang][key];
  if (text === undefined) throw new Error(`message ${key} missing from the ${lang} catalog`);
  return text;
}

// ---------------------------------------------------------------------------------------------
// Mail: the server writes every message as an .eml file into IDEABOX_OUTBOX.

/** Decodes a MIME body by its Content-Transfer-Encoding (7bit, 8bit, quoted-printable, base64). */
function decodeBody(body, encoding) {
  switch ((encoding || '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable': {
      const joined = body.replace(/=\r?\n/g, '');
      const bytes = [];
      for (let i = 0; i < joined.length; i++) {
        const hex = joined.slice(i + 1, i + 3);
        if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
          bytes.push(parseInt(hex, 16));
          i += 2;
        } else {
          bytes.push(...Buffer.from(joined[i], 'utf8'));
        }
      }
      return Buffer.from(bytes).toString('utf8');
    }
    default:
      return body;
  }
}

/** Splits a header block into lower-cased names and unfolded values. */
function parseHeaders(block) {
  const headers = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/** Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) in a header value. */
function decodeWords(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_, _charset, kind, text) =>
      kind.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeBody(text.replace(/_/g, ' '), 'quoted-printable'),
    );
}

/**
 * Parses an .eml file into { headers, subject, to, text, html }, walking multipart bodies and
 * decoding each leaf part.
 */
function parseMail(raw) {
  const parts = { text: null, html: null };
  const walk = (entity) => {
    const split = entity.search(/\r?\n\r?\n/);
    const headerBlock = split < 0 ? entity : entity.slice(0, split);
    const body = split < 0 ? '' : entity.slice(split).replace(/^\r?\n\r?\n/, '');
    const headers = parseHeaders(headerBlock);
    const type = (headers['content-type'] || 'text/plain').toLowerCase();
    const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] || '');
    if (type.startsWith('multipart/') && boundary) {
      const marker = `--${boundary[1]}`;
      for (const piece of body.split(marker).slice(1)) {
        if (piece.startsWith('--')) break;
        walk(piece.replace(/^\r?\n/, ''));
      }
    } else {
      const decoded = decodeBody(body, headers['content-transfer-encoding']);
      if (type.startsWith('text/plain') && parts.text === null) parts.text = decoded;
      if (type.startsWith('text/html') && parts.html === null) parts.html = decoded;
    }
    return headers;
  };
  const headers = walk(raw);
  return {
    headers,
    subject: decodeWords(headers.subject || ''),
    to: decodeWords(headers.to || ''),
    text: parts.text || '',
    html: parts.html || '',
  };
}

/**
 * Waits for the newest .eml in the outbox addressed to `recipient` that is newer than
 * `since` (a Date.now() value) and returns it parsed.
 */
async function waitForMail(recipient, { since = 0, timeoutMs = 15_000 } = {}) {
  const dir = env('IDEABOX_OUTBOX');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const candidates = fs.existsSync(dir)
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => ({ file: path.join(dir, f), mtime: fs.statSync(path.join(dir, f)).mtimeMs }))
          .filter((c) => c.mtime >= since - 1000)
          .sort((a, b) => b.mtime - a.mtime)
      : [];
    for (const c of candidates) {
      const mail = parseMail(fs.readFileSync(c.file, 'utf8'));
      if (mail.to.toLowerCase().includes(recipient.toLowerCase())) return { ...mail, file: c.file };
    }
    if (Date.now() > deadline) {
      throw new Error(`no mail to ${recipient} appeared in ${dir} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The first link in `text` to `pathname` on the site (e.g. /verify), as an absolute URL. */
function findLink(text, pathname) {
  const re = /https?:\/\/[^\s<>"']+/g;
  for (const [candidate] of text.matchAll(re)) {
    const u = new URL(candidate);
    if (u.pathname === pathname) return u.toString();
  }
  throw new Error(`no ${pathname} link in the message:\n${text}`);
}

// ---------------------------------------------------------------------------------------------
// Page actions.

/** Submits a form by clicking its submit button and waits for the resulting page. */
async function submit(page, formSelector) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator(`${formSelector} button[type="submit"]`).first().click(),
  ]);
  return response;
}

/** Follows a link (or presses a button that navigates) and waits for the page it leads to. */
async function follow(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return response;
}

/** Logs in through /login and returns the response of the page landed on. */
async function login(page, email, password, next) {
  await page.goto(url(next ? `/login?next=${encodeURIComponent(next)}` : '/login'));
  await page.locator('#field-email').fill(email);
  await page.locator('#field-password').fill(password);
  return submit(page, 'form[action="/login"]');
}

/**
 * WCAG 1.4.10 (reflow): at the current viewport the page must not scroll sideways. Wide
 * tables may scroll inside their own wrapper, but the page itself may not.
 */
async function assertNoHorizontalScroll(page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  if (scrollWidth > innerWidth) {
    throw new Error(`${page.url()} scrolls sideways: ${scrollWidth}px of content in a ${innerWidth}px viewport`);
  }
}

/** The page language as declared on <html>. */
const htmlLang = (page) => page.locator('html').getAttribute('lang');

/** Makes sure `page` is in `lang`, pressing the language switch if needed. */
async function ensureLang(page, lang) {
  if ((await htmlLang(page)) !== lang) {
    await submit(page, 'form.lang-switch');
  }
  const now = await htmlLang(page);
  if (now !== lang) throw new Error(`language switch left the page in ${now}, wanted ${lang}`);
}

module.exports = {
  REPO_ROOT,
  env,
  url,
  launchBrowser,
  newContext,
  msg,
  parseMail,
  decodeBody,
  waitForMail,
  findLink,
  submit,
  follow,
  login,
  htmlLang,
  assertNoHorizontalScroll,
  ensureLang,
};
