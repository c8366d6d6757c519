// The dashboard in a real browser (Debian chromium driven by playwright-core) during a simulator
// run: the whole controller (startController) in confirm mode with CONTROLLER_PLATFORMS=kalshi
// and a real remote Polymarket trader. The operator sees live updates without a reload, approves
// an opportunity (its legs reach the simulator), then presses the kill switch, after which no new
// leg is sent although arbitrage keeps appearing and is even approved.
//
// CI installs chromium through .ci/run; without it this test fails (it never skips).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { formatPx } from '@parity/trading';
import { opsRig, state, until, untilAsync, untilTradeable, type OpsRig } from './ops-rig.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// Generous: a 2-core machine shared with other test files.
const UI_TIMEOUT_MS = 60_000;

function requireChromium(): void {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: the dashboard's browser test needs Debian's chromium. Install it with \`sudo apt-get install chromium\` (CI's .ci/run installs it).`,
  );
}

async function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: UI_TIMEOUT_MS });
}

/** The id of the confirmation waiting for this pair, as /api/state reports it. */
async function confirmIdOf(rig: OpsRig, pairId: string): Promise<string> {
  let id = '';
  await untilAsync(async () => {
    id = (await state(rig)).confirm.find((c) => c.pairId === pairId)?.id ?? '';
    return id !== '';
  }, `an opportunity on ${pairId} to await confirmation`);
  return id;
}

async function approveInBrowser(page: Page, id: string): Promise<void> {
  // The row is re-rendered on every push; Playwright retries a click whose element was replaced.
  await page.locator(`#confirm button[data-approve="${id}"]`).click({ timeout: UI_TIMEOUT_MS });
}

test('dashboard in chromium: live updates, approve in confirm mode, kill switch stops new legs', { timeout: 300_000 }, async () => {
  requireChromium();
  const rig = await opsRig({ env: { CONFIRM_MODE: '1', CONFIRM_TIMEOUT_SECS: '600' } });
  const profile = mkdtempSync(join(tmpdir(), 'parity-chromium-'));
  let browser: BrowserContext | null = null;
  let page: Page | null = null;
  try {
    await untilTradeable(rig);
    await rig.startTrader();
    browser = await launch(profile);
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await page.goto(rig.base);
    await page.locator('#conn', { hasText: 'live' }).waitFor();
    // A reload would lose this mark: every later change must come over the push stream.
    await page.evaluate(() => ((globalThis as unknown as { parityMark: string }).parityMark = 'first-load'));
    await page.locator('#traders', { hasText: 'polymarket 1' }).waitFor();
    const pairs = rig.sim.pairs;
    await page.locator('#pairs tbody tr').nth(pairs.length - 1).waitFor();

    // Watch pair 0's books, then open an arbitrage on it: the ladder moves to the arb price,
    // and the opportunity appears awaiting confirmation — all without a reload.
    const w1 = rig.sim.injectArb({ pairIndex: 0, type: 'kalshi_yes_poly_no', durationMs: 600_000 });
    await page.selectOption('#pairSel', w1.pairId);
    const kalshiYes = page.locator('#books table').first();
    await kalshiYes.locator('tbody tr', { hasText: `ask ${formatPx(w1.kalshiLeg.px)}` }).waitFor();
    await page.locator('#opps tbody tr', { hasText: w1.pairId }).filter({ hasText: 'awaiting confirmation' }).first().waitFor();
    const c1 = await confirmIdOf(rig, w1.pairId);
    assert.equal(rig.orders().length, 0, 'nothing is sent while the opportunity awaits confirmation');

    // Approve it in the browser: both legs reach the simulator (Kalshi locally, Polymarket via the trader).
    await approveInBrowser(page, c1);
    await until(() => rig.ctl.gate.decisions.some((d) => d.id === c1 && d.decision === 'accepted'), 'the approval to reach the confirm gate', UI_TIMEOUT_MS);
    await until(
      () => rig.orders().some((o) => o.venue === 'kalshi' && o.result === 'accepted') && rig.orders().some((o) => o.venue === 'polymarket' && o.result === 'accepted'),
      'both legs to reach the simulator',
      UI_TIMEOUT_MS,
    );
    const execRow = page.locator('#execs tbody tr[data-attempt]', { hasText: w1.pairId });
    await execRow.filter({ hasText: 'local' }).filter({ hasText: 'remote' }).first().waitFor();
    await until(() => rig.ctl.hub.executions.some((e) => e.pairId === w1.pairId && e.status !== 'open'), 'the approved arbitrage to resolve', UI_TIMEOUT_MS);
    const resolved = rig.ctl.hub.executions.find((e) => e.pairId === w1.pairId && e.status !== 'open')!;
    await page.locator(`#execs tbody tr[data-attempt="${resolved.attemptId}"]`, { hasText: resolved.status }).waitFor();
    assert.deepEqual(new Set(resolved.legs.filter((l) => l.role === 'arb').map((l) => `${l.platform}:${l.route}`)), new Set(['kalshi:local', 'polymarket:remote']));

    // Kill switch, pressed in the browser.
    await page.locator('#kill').click();
    await page.locator('#kill[data-state="engaged"]').waitFor();
    await page.locator('#breaker', { hasText: 'HALTED' }).waitFor();
    // Let any leg of the approved attempt (e.g. an unwind) finish before taking the witness count.
    await until(() => rig.ctl.hub.executions.every((e) => e.status !== 'open'), 'in-flight attempts to finish', UI_TIMEOUT_MS);
    const sent = rig.orders().length;
    const oppsBefore = rig.ctl.app.detector.stats.emitted;

    // Arbitrage keeps appearing on the other pairs, and the operator even approves it: every one
    // is refused by the halted breaker, and the simulator receives no new order.
    for (const pairIndex of [1, 2]) {
      const w = rig.sim.injectArb({ pairIndex, type: pairIndex === 1 ? 'poly_yes_kalshi_no' : 'kalshi_yes_poly_no', durationMs: 600_000 });
      const c = await confirmIdOf(rig, w.pairId);
      await approveInBrowser(page, c);
      await page.locator('#opps tbody tr', { hasText: w.pairId }).filter({ hasText: 'dropped: halted' }).first().waitFor();
    }
    // A drop means no leg was sent (legs leave synchronously in submit); the simulator is the witness.
    assert.ok(rig.ctl.app.detector.stats.emitted >= oppsBefore + 2, 'detection kept finding arbitrage after the kill switch');
    assert.ok(rig.ctl.execution.executor.stats().dropped.halted >= 2, 'the executor refused the approved opportunities as halted');
    assert.equal(rig.orders().length, sent, 'no new leg reached the simulator after the kill switch');
    assert.ok(!rig.ctl.hub.executions.some((e) => e.pairId !== w1.pairId), 'no new execution started');
    const s = await state(rig);
    assert.equal(s.breaker.tripped, true, '/api/state: breaker halted');
    assert.equal(s.breaker.killSwitch, true, '/api/state: kill switch engaged');

    assert.equal(await page.evaluate(() => (globalThis as unknown as { parityMark?: string }).parityMark), 'first-load', 'the page was never reloaded');
    assert.deepEqual(pageErrors, [], 'the dashboard ran without script errors');
    assert.equal(rig.orders().length, sent, 'still no new leg at the simulator');
  } catch (e) {
    // What the controller and the page showed when a wait ran out, to tell a product bug from a slow machine.
    const gate = rig.ctl.gate.decisions.slice(-10);
    const opps = rig.ctl.hub.opportunities.slice(-10).map((o) => `${o.id} ${o.outcome}`);
    const execs = rig.ctl.hub.executions.map((x) => `${x.pairId} ${x.status} ${x.legs.map((l) => `${l.platform}/${l.route}/${l.status}`).join(' ')}`);
    const shown = page ? await page.locator('#confirm').innerText({ timeout: 5_000 }).catch(() => '?') : '-';
    (e as Error).message += `\n  gate decisions: ${JSON.stringify(gate)}\n  confirm queue: ${JSON.stringify(rig.ctl.hub.confirm)}\n  last opportunities: ${opps.join('; ')}\n  executions: ${execs.join('; ')}\n  orders at the simulator: ${rig.orders().length}\n  page #confirm: ${shown}`;
    throw e;
  } finally {
    await browser?.close();
    await rig.done();
    rmSync(profile, { recursive: true, force: true });
  }
});
