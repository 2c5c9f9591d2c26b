// The focus keeper (web/src/components/focus-keeper.ts) in Chromium, on small pages that do what the app's
// components do: a control replaced by its confirmation, a busy (disabled) button and its answer, a removed
// confirmation and its notice, a form refused after Enter in a field, a page's heading replaced while it
// loads, and a click on the page itself (left alone). The app's own flows are in browser-focus.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/paths.ts';
import { launchBrowser } from './support/browser.ts';

let browser: Browser;
let keeper: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const source = readFileSync(join(projectRoot, 'web', 'src', 'components', 'focus-keeper.ts'), 'utf8');
  keeper = ts
    .transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022 } })
    .outputText.replace(/^export /gm, '');
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** A page with the keeper installed on #app and `script` run after it. */
async function pageWith(body: string, script: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setContent(
    `<!doctype html><html lang="en"><body><div id="app"><main>${body}</main></div></body></html>`,
  );
  await page.addScriptTag({
    content: `${keeper}\ninstallFocusKeeper(document.getElementById('app'));\n${script}`,
  });
  return page;
}

const activeHtml = (page: Page) =>
  page.evaluate(() => {
    const active = (globalThis as any).document.activeElement;
    return active === (globalThis as any).document.body ? 'BODY' : active.outerHTML;
  });

async function expectFocusOn(page: Page, pattern: RegExp) {
  await expect.poll(() => activeHtml(page), { timeout: 5_000 }).toMatch(pattern);
}

describe('the focus keeper', () => {
  it('gives a replaced control’s focus to the control that took its place, and back after cancel', async () => {
    const page = await pageWith(
      '<section><h2>People</h2><table><tr><td id="cell"><button id="remove">Remove</button></td></tr></table></section>',
      `const cell = document.getElementById('cell');
       const ask = () => { cell.innerHTML = 'Sure? <button id="yes">Yes</button> <button id="no">Cancel</button>';
         document.getElementById('no').onclick = () => { cell.innerHTML = '<button id="remove">Remove</button>'; document.getElementById('remove').onclick = ask; }; };
       document.getElementById('remove').onclick = ask;`,
    );
    await page.focus('#remove');
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /id="yes"/);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /id="remove"/);
    await page.close();
  });

  it('parks a busy button’s focus on its section’s heading, then gives it to the answer or back', async () => {
    const page = await pageWith(
      '<section><h2>Renew</h2><button id="renew">Renew</button><div id="answer"></div></section>',
      `const button = document.getElementById('renew');
       let round = 0;
       button.onclick = () => {
         button.disabled = true;
         round++;
         setTimeout(() => {
           button.disabled = false;
           if (round === 1) document.getElementById('answer').innerHTML = '<p role="status">Renewed.</p>';
         }, 400);
       };`,
    );
    await page.focus('#renew');
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /<h2[^>]*>Renew<\/h2>/);
    await expectFocusOn(page, /role="status"[^>]*>Renewed\./);
    // No answer this time: the button has the focus again once it works.
    await page.focus('#renew');
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /<h2/);
    await expectFocusOn(page, /id="renew"/);
    await page.close();
  });

  it('gives a removed confirmation’s focus to the notice that came with the answer', async () => {
    const page = await pageWith(
      '<section><h1 tabindex="-1">Card</h1><div id="actions"><section><h2>Revoke</h2><button id="yes">Yes, revoke</button></section></div></section>',
      `document.getElementById('yes').onclick = () => setTimeout(() => {
         document.getElementById('actions').remove();
         const notice = document.createElement('p'); notice.setAttribute('role', 'status'); notice.textContent = 'The card is revoked.';
         document.querySelector('h1').after(notice);
       }, 100);`,
    );
    await page.focus('#yes');
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /role="status"[^>]*>The card is revoked\./);
    await page.close();
  });

  it('gives the focus to a refusal that answers a form sent with Enter in a field', async () => {
    const page = await pageWith(
      '<section><h1>New card</h1><form id="form"><label>Number <input id="number"></label><button>Register</button></form><div id="error"></div></section>',
      `document.getElementById('form').onsubmit = (event) => { event.preventDefault();
         setTimeout(() => { document.getElementById('error').innerHTML = '<p role="alert" tabindex="-1">The number is taken.</p>'; }, 100); };`,
    );
    await page.focus('#number');
    await page.keyboard.type('ABC');
    await page.keyboard.press('Enter');
    await expectFocusOn(page, /role="alert"[^>]*>The number is taken\./);
    await page.close();
  });

  it('gives a page heading’s focus to the heading that replaced it, and leaves a click on the page alone', async () => {
    const page = await pageWith(
      '<section id="page"><h1 tabindex="-1" id="loading">Help</h1><p role="status">Loading…</p></section><p id="text">Some text</p><button id="other">Other</button>',
      `document.getElementById('loading').focus();
       setTimeout(() => { document.getElementById('page').outerHTML = '<section><h1 tabindex="-1" id="loaded">Help</h1><nav><a href="#a">A</a></nav></section>'; }, 300);`,
    );
    await expectFocusOn(page, /id="loaded"/);
    await page.focus('#other');
    await page.mouse.click(5, 5);
    await page.waitForTimeout(200);
    expect(await activeHtml(page)).toBe('BODY');
    await page.close();
  });
});
