import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServerType, serve } from '@hono/node-server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-services.js';
import { seedReviewCase } from './review.test-support.js';

/**
 * The reviewer pages in real headless Chromium against the app served on 127.0.0.1. Screenshots
 * go to test-artifacts/review-*.png (git-ignored).
 */
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

describe('review pages in Chromium', () => {
  let browser: Browser;
  let t: TestApp;
  let server: ServerType;
  let base: string;
  let fixturesDir: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
      timeout: 90_000,
    });
    fs.mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    fixturesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docverify-fixtures-'));
    t = await createTestApp({ env: { FIXTURES_DIR: fixturesDir } });
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.close();
    fs.rmSync(fixturesDir, { recursive: true, force: true });
  });

  async function signedInPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    page.setDefaultNavigationTimeout(60_000);
    await page.goto(`${base}/review`);
    await page.waitForURL(/\/review\/sign-in/);
    await page.fill('input[name="key"]', t.keys.reviewer);
    await Promise.all([page.waitForURL(`${base}/review`), page.click('button[type="submit"]')]);
    return page;
  }

  const api = async (pathname: string) => {
    const res = await fetch(`${base}${pathname}`, { headers: t.auth('engine') });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('signs in, opens the queue and a case, corrects a field and approves; the API and audit show it', async () => {
    const id = await seedReviewCase(t);
    const page = await signedInPage();
    await expect(page.locator('#queue-size').textContent()).resolves.toBe('1');
    await page.screenshot({ path: path.join(artifacts, 'review-queue.png'), fullPage: true });

    await Promise.all([page.waitForURL(`${base}/review/cases/${id}`), page.click(`a.case-link`)]);
    // the original is served through the authenticated route and the evidence boxes lie over it
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#viewer img');
      return img?.complete && img.naturalWidth > 0;
    });
    expect(await page.locator('svg.boxes rect').count()).toBe(3);
    await expect(page.locator('#applicant-name').textContent()).resolves.toBe('徐佳');
    await page.click('[data-action="zoom-in"]');
    await page.click('[data-action="rotate"]');
    expect(await page.locator('#viewer').getAttribute('style')).toContain('rotate(90deg)');
    await page.click('[data-action="reset"]');

    // "/" focuses the first field; correct the misread major, leave the field, press "a" to approve
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('field-name');
    await page.fill('#field-major', '土木工程');
    await page.fill('textarea[name="note"]', '专业识别错误，已更正');
    await page.screenshot({ path: path.join(artifacts, 'review-case.png'), fullPage: true });
    await page.locator('h1').click();
    await Promise.all([page.waitForURL(/saved=1/), page.keyboard.press('a')]);
    await expect(page.locator('#case-banner').textContent()).resolves.toContain('Saved');
    await expect(page.locator('#current-verdict').textContent()).resolves.toContain('verified');

    const result = await api(`/v1/verifications/${id}`);
    expect(result.verdict).toBe('verified');
    expect(result.fields.major).toBe('土木工程');
    expect(result.evidence.major.source).toBe('reviewer');
    const audit = await api(`/v1/verifications/${id}/audit`);
    const actions = audit.items.map((r: { action: string }) => r.action);
    expect(actions).toContain('verification.image_viewed');
    const corrected = audit.items.find((r: { action: string }) => r.action === 'verification.corrected');
    expect(corrected.after.changedFields).toEqual(['major']);
    expect(corrected.after.verdict).toBe('verified');
    expect(corrected.before.verdict).toBe('needs_review');

    // the queue is empty now
    await page.goto(`${base}/review`);
    await expect(page.locator('#queue-size').textContent()).resolves.toBe('0');
  });

  it('two reviewers on one case: the second save gets a conflict and overwrites nothing', async () => {
    const id = await seedReviewCase(t);
    const first = await signedInPage();
    const second = await signedInPage();
    await first.goto(`${base}/review/cases/${id}`);
    await second.goto(`${base}/review/cases/${id}`);

    await first.fill('#field-major', '土木工程');
    await Promise.all([first.waitForURL(/saved=1/), first.click('#approve')]);

    await second.fill('#field-major', '建筑学');
    const [response] = await Promise.all([
      second.waitForResponse(
        (r) => r.url() === `${base}/review/cases/${id}` && r.request().method() === 'POST',
      ),
      second.click('#reject'),
    ]);
    expect(response.status()).toBe(409);
    await second.waitForSelector('#case-banner.conflict');
    await expect(second.locator('#case-banner').textContent()).resolves.toContain('NOT saved');
    // the page now shows the first reviewer's values, and the second one's typed value beside them
    expect(await second.inputValue('#field-major')).toBe('土木工程');
    await expect(second.locator('tr[data-field="major"] .unsaved .text').textContent()).resolves.toBe(
      '建筑学',
    );
    await second.screenshot({ path: path.join(artifacts, 'review-conflict.png'), fullPage: true });

    const result = await api(`/v1/verifications/${id}`);
    expect(result.verdict).toBe('verified');
    expect(result.fields.major).toBe('土木工程');
    const audit = await api(`/v1/verifications/${id}/audit`);
    expect(audit.items.filter((r: { action: string }) => r.action === 'verification.corrected')).toHaveLength(
      1,
    );
  });

  it('document text with script and img-onerror renders as text and runs nothing', async () => {
    const script = '<script>window.__xss=1</script>';
    const img = '<img src=x onerror="window.__xss=2">';
    const id = await seedReviewCase(t, {
      fields: { name: script, school: img },
      evidence: {
        name: { text: script, box: [520, 300, 160, 48], confidence: 0.9, source: 'rules' },
        school: { text: img, box: [420, 620, 260, 48], confidence: 0.9, source: 'rules' },
      },
      reasons: [{ code: 'FIELD_FORMAT_INVALID', severity: 'soft', field: 'name', message: `bad ${img}` }],
    });
    const page = await signedInPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/review/cases/${id}`);
    await page.waitForSelector('tr[data-field="school"] td.evidence .text');

    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await expect(page.locator('tr[data-field="name"] td.evidence .text').textContent()).resolves.toBe(script);
    await expect(page.locator('tr[data-field="school"] td.evidence .text').textContent()).resolves.toBe(img);
    expect(await page.inputValue('#field-name')).toBe(script);
    expect(await page.getByText(script, { exact: true }).first().isVisible()).toBe(true);
    // no element was made from the text: the only images are the original, no stray <img src=x>
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    await page.screenshot({ path: path.join(artifacts, 'review-xss.png'), fullPage: true });
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('exports a reviewed case as a private fixture and edits a fixture through the pages', async () => {
    const id = await seedReviewCase(t);
    const page = await signedInPage();
    await page.goto(`${base}/review/cases/${id}`);
    await page.fill('#field-major', '土木工程');
    await Promise.all([page.waitForURL(/saved=1/), page.click('#approve')]);
    await Promise.all([page.waitForURL(/exported=/), page.click('form.promote button[type="submit"]')]);
    const caseId =
      decodeURIComponent(new URL(page.url()).searchParams.get('exported') ?? '').split('/')[1] ?? '';
    const dir = path.join(fixturesDir, 'private', caseId);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
    // its manifest line binds no applicant: the eval can expect at most needs_review of it
    expect(expected).toMatchObject({
      kind: 'reviewed',
      private: true,
      verdict: 'needs_review',
      reviewerVerdict: 'verified',
    });
    expect(expected.fields.name).not.toBe('徐佳');
    expect(fs.existsSync(path.join(dir, 'input.jpg'))).toBe(true);

    await page.goto(`${base}/review/fixtures`);
    await Promise.all([page.waitForURL(/\/review\/fixtures\/private\//), page.click(`text=${caseId}`)]);
    await page.fill('#field-major', '土木工程（更正）');
    await Promise.all([page.waitForURL(/saved=1/), page.click('button[type="submit"]:has-text("Save")')]);
    const edited = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
    expect(edited.fields.major).toBe('土木工程（更正）');
  });
});
