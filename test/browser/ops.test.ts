/**
 * The operator's pages in real Chromium: the interactive API reference, and the wall over HTTPS
 * in a browser that trusts the server's certificate the way a kiosk would, where the page is a
 * secure context and may keep the screen awake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifact, hasChromium, launch } from '../helpers/browser.js';
import { removeDir, startServer, type ServerProcess } from '../helpers/server.js';
import { testCertificate, type TestCertificate } from '../helpers/tls.js';

describe.skipIf(!hasChromium)('operator pages in Chromium (skipped when /usr/bin/chromium is missing)', () => {
  let server: ServerProcess;
  let certificate: TestCertificate;

  beforeAll(async () => {
    certificate = testCertificate();
    server = await startServer({ env: { TLS_CERT: certificate.certFile, TLS_KEY: certificate.keyFile } });
  });

  afterAll(async () => {
    await server?.stop();
    if (server) removeDir(server.dataDir);
    if (certificate) removeDir(certificate.dir);
  });

  // Chromium trusts this one certificate's key, as a kiosk can be told to (see the README).
  const trusting = (viewport = { width: 1920, height: 1080 }) => launch(viewport, [`--ignore-certificate-errors-spki-list=${certificate.spki}`]);

  it('shows the API reference, every route grouped, and an operation opened with its schemas', async () => {
    const browser = await trusting({ width: 1440, height: 1000 });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/api/docs`);
      await page.locator('.opblock').first().waitFor();
      const document = await page.evaluate(async () => (await fetch('/api/openapi.json')).json() as Promise<{ paths: Record<string, object> }>);
      const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
      expect(operations).toBeGreaterThanOrEqual(39);
      expect(await page.locator('.opblock').count()).toBe(operations);
      expect(await page.locator('.opblock-tag').allTextContents()).toEqual(
        expect.arrayContaining(['health', 'ingest', 'display', 'admin', 'session', 'maps', 'operations'].map((tag) => expect.stringContaining(tag))),
      );
      await page.screenshot({ path: artifact('api-docs.png'), fullPage: true });

      await page.locator('.opblock-post .opblock-summary-path', { hasText: /^\/api\/v1\/events$/ }).click();
      const operation = page.locator('.opblock.is-open');
      await operation.locator('.responses-table').waitFor();
      await expect.poll(() => operation.locator('.response-col_status').allTextContents()).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '413', '415', '422', '503'].map((s) => expect.stringContaining(s))),
      );
      expect(await operation.textContent()).toContain('xa-18586-2023-05-02-0017');
      await operation.screenshot({ path: artifact('api-docs-events.png') });
    } finally {
      await browser.dispose();
    }
  });

  it('serves the wall over HTTPS as a secure context, where the screen may be kept awake', async () => {
    const browser = await trusting();
    try {
      const page = await browser.newPage();
      const answer = await page.goto(`${server.url}/?kiosk=1&key=${server.keys.display}`);
      expect(answer?.status()).toBe(200);
      expect(page.url()).toMatch(/^https:\/\/localhost:\d+\//);
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      expect(await page.evaluate(() => 'wakeLock' in navigator)).toBe(true);
      await page.locator('[data-testid=rank-row]').first().waitFor();
      await page.waitForTimeout(1000);
      await page.screenshot({ path: artifact('wall-https.png') });
    } finally {
      await browser.dispose();
    }
  });
});
