// The chat page in headless Debian chromium: two turns, then what the page sent and showed, and a screenshot.
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const userDataDir = mkdtempSync(join(tmpdir(), 'genstream-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  viewport: { width: 1100, height: 800 },
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  const sent = [], ids = [];
  page.on('request', r => { if (r.url().endsWith('/v1/chat/completions')) sent.push(JSON.parse(r.postData())); });
  page.on('response', r => { if (r.url().endsWith('/v1/chat/completions')) ids.push(r.headers()['x-request-id']); });
  await page.goto(process.env.GATEWAY_URL);
  await page.fill('#api-key', process.env.API_KEY);
  await page.dispatchEvent('#api-key', 'change');
  await page.waitForFunction(() => document.querySelectorAll('#model option').length > 0);
  await page.fill('#temperature', '0.7');
  await page.fill('#max-tokens', '16');
  await page.fill('#seed', '3');
  for (const [turn, text] of [[1, 'And God said'], [2, 'And the evening and the morning']]) {
    await page.fill('#input', text);
    await page.press('#input', 'Enter');
    await page.waitForFunction(n => document.body.dataset.turns === String(n), turn, { timeout: 120000 });
  }
  await page.click('#record-view summary');
  const out = {
    sent, ids,
    history: await page.evaluate(() => history),
    errors: await page.$$eval('.msg.error', es => es.map(e => e.textContent)),
    record: await page.textContent('#record'),
    model: await page.inputValue('#model'),
  };
  await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  console.log(JSON.stringify(out));
} finally {
  await context.close();
}
