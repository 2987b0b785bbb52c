// Drives a real VS Code (code-server, in Debian's headless chromium) through the scenario with the
// packaged gomodls extension, the way a person would: open go.mod with Quick Open, see the squiggle
// and the Problems entry, hover a requirement, apply the quick fix with Ctrl+., see the file change,
// open the server log from the command palette, run a forwarded server command.
//
//   node e2e.mjs URL OUTDIR        (env: GOMODLS_SCENARIO, RESULT_FILE, CHROMIUM)
// Screenshots go to OUTDIR. Exit 0 = every check passed, 1 = a check failed, 2 = error, 3 = watchdog.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [url, outDir = '.', machineSettingsFile] = process.argv.slice(2);
const sc = JSON.parse(fs.readFileSync(process.env.GOMODLS_SCENARIO, 'utf8'));
const resultFile = process.env.RESULT_FILE || path.join(outDir, 'result.json');
fs.mkdirSync(outDir, { recursive: true });

const t0 = Date.now();
const result = { editor: 'vscode', checks: [], screenshots: [] };
let failed = false;
const log = (m) => console.log(`[vscode ${String(Date.now() - t0).padStart(6)}ms] ${m}`);
const check = (name, ok, detail) => {
  result.checks.push({ name, ok: !!ok, detail });
  log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail === undefined ? '' : ': ' + JSON.stringify(detail)}`);
  if (!ok) failed = true;
  return !!ok;
};
const plain = (s) => s.replace(/[*`\\]/g, '').replace(/\s+/g, ' ').trim();
const writeResult = (code) => {
  result.exit_code = code;
  result.elapsed_ms = Date.now() - t0;
  fs.writeFileSync(resultFile, JSON.stringify(result, null, 2));
};
setTimeout(() => {
  result.error = 'watchdog: no result after 150 s';
  log(result.error);
  writeResult(3);
  process.exit(3);
}, 150_000).unref();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // The machine has no network: without these chromium keeps trying Google's services.
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--no-default-browser-check'],
});
result.chromium = browser.version();
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on('pageerror', (e) => log('page error: ' + e.message));
const shot = async (name, clip) => {
  const file = path.join(outDir, name);
  await page.screenshot({ path: file, clip });
  result.screenshots.push(name);
};
const visible = (locator, timeout = 20_000) => locator.first().waitFor({ state: 'visible', timeout }).then(() => true, () => false);
const runCommand = async (title) => {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { timeout: 10_000 });
  await page.keyboard.type(title);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title });
  await row.first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
};
const editor = page.locator('.editor-instance .monaco-editor').first();
const lineText = async (n) => {
  // view lines are in DOM order only roughly; find the one at line n by its top offset
  return page.evaluate((n) => {
    const ed = document.querySelector('.editor-instance .monaco-editor');
    const numbers = [...ed.querySelectorAll('.margin-view-overlays .line-numbers')];
    const num = numbers.find((e) => e.textContent.trim() === String(n + 1));
    if (!num) return null;
    const top = num.parentElement.style.top;
    const line = [...ed.querySelectorAll('.view-lines .view-line')].find((l) => l.style.top === top);
    return line ? line.textContent.replace(/\u00a0/g, ' ') : null;
  }, n);
};

try {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60_000 });
  log('workbench loaded');

  // Open the file with Quick Open.
  await page.locator('.monaco-workbench').click({ position: { x: 640, y: 400 } }).catch(() => {});
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { timeout: 20_000 });
  await page.keyboard.type(sc.open);
  await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 20_000 });
  await page.keyboard.press('Enter');
  await editor.locator('.view-lines').waitFor({ timeout: 20_000 });
  const tab = (await page.locator('.tab.active').first().innerText()).replace(/\s+/g, '');
  check(`${sc.open} open in an editor`, tab.includes(sc.open), tab);
  const mode = await page.locator('#status\\.editor\\.mode').innerText({ timeout: 10_000 }).catch(() => '');
  check('language mode from the extension', mode.trim() === 'Go Module File', mode.trim());

  // The server started: the status item says so.
  const status = page.locator('.statusbar-item', { hasText: 'gomodls' });
  const statusOk = await page.waitForFunction(() => [...document.querySelectorAll('.statusbar-item')].some((e) => e.textContent.includes('gomodls') && e.querySelector('.codicon-check')), null, { timeout: 30_000 }).then(() => true, () => false);
  const statusLabel = await status.first().getAttribute('aria-label').catch(() => null);
  // The workspace's own gomodls.server.path is ignored (a machine setting): the user's server runs.
  check('status item shows the server running', statusOk && !String(statusLabel).includes('/workspace/chose/'), statusLabel);

  // Syntax highlighting: directive and module path get different token colours.
  const tokenColours = () => page.evaluate(() => [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')]
    .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
    .map((line) => [...line.querySelectorAll('span > span')].filter((s) => s.textContent.trim()).map((s) => [s.textContent.replace(/\u00a0/g, ' '), getComputedStyle(s).color])));
  result.colours_with_semantic_tokens = await tokenColours();
  const colours = result.colours_with_semantic_tokens[0];
  const kw = colours.find(([t]) => t === 'module');
  const modPath = colours.find(([t]) => t.includes('example.com/'));
  check('syntax highlighting', kw && modPath && kw[1] !== modPath[1], colours);

  // 1. The diagnostic: squiggle and Problems entry.
  const d = sc.diagnostics[0];
  const sev = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info';
  check(`${sev} squiggle`, await visible(editor.locator(`.squiggly-${sev}`), 30_000));
  await page.keyboard.press('Control+Shift+M');
  const marker = page.locator('.markers-panel .monaco-list-row', { hasText: d.message });
  const markerOk = await visible(marker);
  const markerText = markerOk ? (await marker.first().innerText()).replace(/\s+/g, ' ') : undefined;
  check('Problems panel entry', markerOk && markerText.includes('gomodls') && markerText.includes(d.code) && markerText.includes(`Ln ${d.line + 1}`), markerText);
  await shot('1-problems.png');

  // 2. Hover over the module path.
  const h = sc.hover;
  const word = editor.locator('.view-line span', { hasText: h.word }).last();
  const box = await word.boundingBox();
  const hover = page.locator('.monaco-hover-content', { hasText: h.contains[0] });
  // The selected version appears once the module graph has loaded in the background: hover again.
  let hoverOk = false;
  let hoverText = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    await page.mouse.move(box.x - 40, box.y - 60);
    await page.mouse.move(box.x + 12, box.y + box.height / 2);
    hoverOk = await visible(hover);
    hoverText = hoverOk ? await hover.first().innerText() : '';
    if (hoverOk && h.contains.every((piece) => plain(hoverText).includes(piece))) break;
    await page.waitForTimeout(1000);
  }
  result.hover = hoverText;
  check('hover text', hoverOk && h.contains.every((piece) => plain(hoverText).includes(piece)), hoverText);
  if (hoverOk) check('hover markdown rendered', (await hover.first().locator('strong, code, a').count()) > 0);
  await shot('2-hover.png');
  const ed = await editor.boundingBox();
  // A small picture of the hover for the README (docs/editors/images/vscode-hover.png).
  if (ed) await shot('hover.png', { x: ed.x, y: Math.max(0, ed.y - 24), width: 620, height: 330 });

  // 3. The quick fix: cursor on the problem, Ctrl+., the action, Enter.
  const ca = sc.code_action;
  await page.mouse.move(5, 5);
  await page.keyboard.press('Escape');
  // Go to Line (Ctrl+G) takes line:column.
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget input', { timeout: 10_000 });
  await page.keyboard.type(`${ca.line + 1}:${ca.character + 1}`);
  await page.keyboard.press('Enter');
  const cursor = await page.locator('#status\\.editor\\.selection').innerText({ timeout: 5_000 }).catch(() => '');
  result.cursor = cursor;
  await page.keyboard.press('Control+.');
  const action = page.locator('.action-widget .monaco-list-row', { hasText: ca.title });
  const offered = await visible(action);
  result.offered = await page.locator('.action-widget .monaco-list-row').allInnerTexts().catch(() => []);
  check('quick fix offered (Ctrl+.)', offered, result.offered);
  await shot('3-quickfix.png');
  if (offered) {
    // Rows can't be clicked (a pointer blocker covers them); move the focus like a keyboard user.
    for (let i = 0; i < 10; i++) {
      const focused = await page.locator('.action-widget .monaco-list-row.focused').innerText().catch(() => '');
      if (focused.includes(ca.title)) break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    const want = ca.line_after.replace(/\t/g, '').trim();
    const applied = await page.waitForFunction((w) => [...document.querySelectorAll('.editor-instance .monaco-editor .view-line')].some((l) => l.textContent.replace(/\u00a0/g, ' ').trim() === w), want, { timeout: 20_000 }).then(() => true, () => false);
    check('quick fix applied', applied, await lineText(ca.line));
    const gone = await page.waitForFunction((s) => !document.querySelector(`.editor-instance .monaco-editor .squiggly-${s}`), sev, { timeout: 20_000 }).then(() => true, () => false);
    check('squiggle gone after the fix', gone);
    const empty = await visible(page.locator('.markers-panel', { hasText: 'No problems' }), 10_000);
    check('Problems panel empty after the fix', empty);
  }
  await shot('4-after-fix.png');

  // 4. The log, from the command palette.
  await runCommand('gomodls: Show Language Server Log');
  const out = page.locator('.output-view, .panel .monaco-editor', { hasText: 'connected to gomodls' });
  const logOk = await visible(out);
  check('Show Language Server Log opens the server log', logOk, logOk ? (await out.first().innerText()).split('\n').slice(0, 6).join(' | ') : undefined);
  await shot('5-log.png');

  // 5. A command forwarded to the server: answered, or "not in this server version" — never an error.
  await page.keyboard.press('Escape');
  await runCommand('gomodls: Check for Module Upgrades');
  await page.waitForTimeout(3000);
  const toasts = await page.locator('.notifications-toasts .notification-toast').allInnerTexts().catch(() => []);
  result.check_upgrades_toasts = toasts;
  check('Check for Module Upgrades handled', !toasts.some((t) => /not found|failed|error/i.test(t) && !/no "gomodls\.checkUpgrades" command yet/.test(t)), toasts);
  await shot('6-check-upgrades.png');

  // 6. Restart from the command palette: the server comes back.
  await page.keyboard.press('Escape');
  await runCommand('gomodls: Restart Language Server');
  const restarted = await page.waitForFunction(() => {
    const text = [...document.querySelectorAll('.output-view .view-line, .panel .monaco-editor .view-line')].map((l) => l.textContent).join('\n');
    return /restarting\sthe\sserver[\s\S]*connected\sto\sgomodls/.test(text); // (monaco renders spaces as U+00A0)
  }, null, { timeout: 30_000 }).then(() => true, () => false);
  const statusBack = restarted && await page.waitForFunction(() => [...document.querySelectorAll('.statusbar-item')].some((e) => e.textContent.includes('gomodls') && e.querySelector('.codicon-check')), null, { timeout: 20_000 }).then(() => true, () => false);
  check('Restart Language Server: restarted and running', restarted && statusBack);

  // 7. A server path that does not exist: the extension says so, with the install command.
  // (gomodls.server.path is a machine setting: never the workspace's.)
  const settings = JSON.parse(fs.readFileSync(machineSettingsFile, 'utf8'));
  fs.writeFileSync(machineSettingsFile, JSON.stringify({ ...settings, 'gomodls.server.path': '/nonexistent/gomodls' }, null, 2));
  const notFound = page.locator('.notifications-toasts .notification-toast', { hasText: 'pipx install .' });
  const notFoundOk = await visible(notFound, 30_000);
  const missingStatus = await visible(page.locator('.statusbar-item', { hasText: 'not installed' }), 10_000);
  check('missing server: notification with the install command', notFoundOk && missingStatus, notFoundOk ? await notFound.first().innerText() : undefined);
  await shot('7-server-not-found.png');

  // 8. With the server gone, the colours come from the TextMate grammar alone.
  await page.waitForTimeout(1000);
  result.colours_textmate_only = await tokenColours();
  const flat = result.colours_textmate_only.flat();
  const colourOf = (text) => flat.find(([t]) => t === text)?.[1];
  const plainColour = 'rgb(204, 204, 204)';
  const grammarColours = ['require', 'example.com/greeter', 'v1.2.0'].map(colourOf);
  check('TextMate grammar colours (no server)', grammarColours.every((c) => c && c !== plainColour) && new Set(grammarColours).size === 3, grammarColours);
} catch (e) {
  result.error = String(e.stack || e);
  log('ERROR ' + result.error);
  failed = true;
  await shot('error.png').catch(() => {});
}
writeResult(result.error ? 2 : failed ? 1 : 0);
await browser.close();
process.exit(result.error ? 2 : failed ? 1 : 0);
