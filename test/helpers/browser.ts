import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (scripts/install-system-deps.sh installs it); playwright downloads no browser here. */
export const chromiumPath = process.env.FACET_CHROMIUM ?? '/usr/bin/chromium';

export function haveChromium(): boolean {
  return existsSync(chromiumPath);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    // The machine has no network: these keep chromium from trying to reach its services at start.
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
}

export interface PageCheck {
  consoleErrors: string[];
  svgCount: number;
  /** rendered width×height of each inline svg, to prove the plots are drawn, not just present */
  svgSizes: { width: number; height: number }[];
  title: string;
  text: string;
}

/** Opens a report file in headless chromium, records console errors, measures its plots, saves a screenshot. */
export async function checkPage(file: string, screenshot: string): Promise<PageCheck> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) consoleErrors.push(`network request: ${r.url()}`); });
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    const svgSizes = await page.$$eval('figure.plot > svg', (els) =>
      els.map((e) => { const r = e.getBoundingClientRect(); return { width: r.width, height: r.height }; }),
    );
    await page.screenshot({ path: screenshot, fullPage: true });
    return { consoleErrors, svgCount: svgSizes.length, svgSizes, title: await page.title(), text: await page.innerText('body') };
  } finally {
    await browser.close();
  }
}
