/**
 * The web console in a real browser (Debian's Chromium driven by playwright-core)
 * against a server started here with the demo dataset: sign in, run the seed query and
 * check the table against the API's answer, see a parse error at its column, download
 * CSV, find the query in the history, watch the alerts list update live, open the IIS
 * webshell alert and its process tree (w3wp.exe → cmd.exe → whoami.exe, Sysmon and
 * Security evidence side by side, w3wp's connection to the attacker's server), view hash
 * prevalence and spread, the host list, and the Korean labels. Screenshots are saved
 * under test-artifacts/ui/. Also: the results table scrolling a million rows (generated
 * in the page: the query API caps rows at query_max_rows), and the bundle size budget.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { DEMO_STORY, demoDataset } from '../demo/index.js';
import type { Event } from '../event/index.js';
import { ForensicsModule } from '../forensics/routes.js';
import { defaultUiRoot, UiStatic } from '../server/ui-static.js';
import { launchChromium, screenshot } from '../testing/browser.js';
import { projectRoot } from '../testing/corpus.js';
import { startTestServer, waitFor, type TestServer } from '../testing/server.js';

const SEED = 'table sysmon | search event_id == 1 | stats count by Image | sort -count';
const UI = defaultUiRoot();

function requireBuiltUi(): void {
  if (!existsSync(join(UI, 'index.html')) || !existsSync(join(UI, 'app.js'))) throw new Error(`${UI} is not built: run npm run build (it bundles src/ui with esbuild)`);
}

describe('web console bundle', () => {
  it('first load is under 300 KB of JavaScript gzipped', () => {
    requireBuiltUi();
    const js = readdirSync(UI).filter((f) => f.endsWith('.js'));
    const gz = js.reduce((n, f) => n + gzipSync(readFileSync(join(UI, f)), { level: 9 }).length, 0);
    assert.ok(js.includes('app.js'));
    assert.ok(gz < 300 * 1024, `gzipped JavaScript is ${gz} bytes`);
  });
});

describe('web console in Chromium', { timeout: 180_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    requireBuiltUi();
    t = await startTestServer({ modules: [new ForensicsModule(), new UiStatic()] });
    await t.server.ingest.submit(demoDataset(), { kind: 'demo', name: 'demo dataset' });
    await waitFor('the webshell alerts', async () => ((await t.api('GET', '/api/alerts?limit=100')).body.alerts as unknown[]).length >= 3);
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true, locale: 'en-US' });
    page = await context.newPage();
    page.on('pageerror', (e) => { throw e; });
  });

  after(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the console without a token, and the API still needs one', async () => {
    const index = await fetch(`${t.server.url}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    const js = await fetch(`${t.server.url}/ui/app.js`);
    assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/);
    const etag = js.headers.get('etag') ?? '';
    assert.equal((await fetch(`${t.server.url}/ui/app.js`, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal((await fetch(`${t.server.url}/ui/..%2F..%2Fpackage.json`)).status, 404);
    assert.equal((await fetch(`${t.server.url}/ui/%2e%2e/%2e%2e/package.json`)).status, 404);
    assert.equal((await fetch(`${t.server.url}/api/tables`)).status, 401);
  });

  it('signs in with a token (a wrong one is refused)', async () => {
    await page.goto(t.server.url);
    await page.fill('.token-input', 'hae_wrong_token');
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('.login-error:has-text("unknown or revoked token")');
    await page.fill('.token-input', t.readToken);
    await page.click('form.login button[type=submit]');
    await page.waitForSelector('nav');
    assert.equal(await page.evaluate('sessionStorage.getItem("haetae.token")'), t.readToken);
  });

  it('runs the seed query and shows the same rows as the API, commands highlighted', async () => {
    const expected = (await t.api('POST', '/api/query', { query: SEED })).body.rows as { Image: string; count: number }[];
    await page.fill('.editor-input', SEED);
    await page.click('button.run');
    await page.waitForSelector(`.status:has-text("${expected.length} rows")`);
    const first = await page.locator('.vt-row[data-row="0"] .vt-cell').allTextContents();
    assert.deepEqual(first, [expected[0].Image, String(expected[0].count)]);
    assert.ok(await page.locator('.editor-overlay .tok-command').count() >= 4, 'commands are highlighted');
    await screenshot(page, 'ui', '01-query-seed');
  });

  it('draws a time histogram of raw events and downloads CSV and JSON', async () => {
    await page.fill('.editor-input', 'table sysmon | search event_id == 3 | fields _time, host, Image, DestinationIp');
    await page.click('button.run');
    await page.waitForSelector('.chart svg.histogram rect');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.download-csv')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.equal(csv.split('\r\n')[0], '_time,host,Image,DestinationIp');
    const count = (await t.api('POST', '/api/query', { query: 'table sysmon | search event_id == 3 | stats count' })).body.rows as { count: number }[];
    assert.equal(csv.trimEnd().split('\r\n').length, Math.min(count[0].count, 10_000) + 1);
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.click('button.download-json')]);
    const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8')) as Record<string, unknown>[];
    assert.equal(json.length, Math.min(count[0].count, 10_000));
    assert.deepEqual(Object.keys(json[0]), ['_time', 'host', 'Image', 'DestinationIp']);
    await screenshot(page, 'ui', '02-query-histogram');
  });

  it('pages a long result from the server as the table scrolls', async () => {
    const total = ((await t.api('POST', '/api/query', { query: 'table sysmon | stats count' })).body.rows as { count: number }[])[0].count;
    const at = async (i: number): Promise<string> => ((await t.api('POST', '/api/query', { query: `table sysmon\n| limit ${i} 1` })).body.rows as { _time: string }[])[0]._time;
    await page.fill('.limit', '1000');
    await page.fill('.editor-input', 'table sysmon');
    await page.click('button.run');
    await page.waitForSelector(`.status:has-text("${total.toLocaleString('en-US')} rows")`);
    const viewport = page.locator('.vt-viewport');
    for (const i of [Math.floor(total / 2), total - 1]) {
      await viewport.evaluate((el, top) => { el.scrollTop = top; }, i * 24);
      const row = page.locator(`.vt-row[data-row="${i}"]`);
      await row.waitFor();
      const expected = await at(i);
      await waitFor(`row ${i} loaded`, async () => ((await row.textContent()) ?? '').includes(expected));
    }
    await screenshot(page, 'ui', '03-query-paged');
    await page.fill('.limit', '10000');
  });

  it('shows a parse error at its line and column, underlined in the editor', async () => {
    await page.fill('.editor-input', 'table sysmon\n| serch event_id == 1');
    await page.click('button.run');
    const problem = page.locator('.problem').first();
    await problem.waitFor();
    assert.equal(await problem.getAttribute('data-line'), '2');
    assert.equal(await problem.getAttribute('data-column'), '3');
    assert.equal(await page.locator('.editor-overlay .tok-error').first().textContent(), 'serch');
    await screenshot(page, 'ui', '04-query-error');
  });

  it('keeps the query history across reloads', async () => {
    await page.reload();
    await page.waitForSelector('select.history');
    const options = await page.locator('select.history option').allTextContents();
    assert.ok(options.includes(SEED), `history: ${options.join(' | ')}`);
  });

  it('lists alerts and adds a new one live over SSE', async () => {
    await page.goto(`${t.server.url}/#/alerts`);
    const stored = ((await t.api('GET', '/api/alerts?limit=1000')).body.alerts as unknown[]).length;
    await waitFor(`${stored} alert rows`, async () => (await page.locator('.alert-row').count()) === stored);
    await page.waitForSelector('.live-state.on');
    // The webshell's first cmd.exe again, on another host: the live rules raise a new alert.
    const cmd = demoDataset().find((e) => e.event_id === 1 && e.host === DEMO_STORY.webHost && /\\cmd\.exe$/i.test(String(e.data.Image)) && /w3wp\.exe$/i.test(String(e.data.ParentImage)));
    assert.ok(cmd);
    const copy: Event = { ...cmd, host: 'WEB02.corp.example', record_id: 9_000_001 };
    await t.server.ingest.submit([copy], { kind: 'test', name: 'live' });
    await page.waitForSelector('.alert-row.fresh >> text=WEB02.corp.example');
    await screenshot(page, 'ui', '05-alerts-live');
  });

  it('opens the webshell alert: w3wp.exe → cmd.exe → whoami.exe with Sysmon and Security side by side, and w3wp\'s outbound connection', async () => {
    // The alert on the cmd.exe that ran whoami.exe (the webshell's first command).
    const whoamiEvent = demoDataset().find((e) => e.event_id === 1 && e.host === DEMO_STORY.webHost && /\\whoami\.exe$/i.test(String(e.data.Image)));
    assert.ok(whoamiEvent);
    const alerts = (await t.api('GET', '/api/alerts?limit=1000')).body.alerts as { id: number; name: string; fields: Record<string, unknown> }[];
    const alert = alerts.find((a) => /Confirmed by Both/.test(a.name) && a.fields.ProcessId === whoamiEvent.data.ParentProcessId);
    assert.ok(alert, 'the correlation alert on the recon cmd.exe');
    await page.goto(`${t.server.url}/#/alerts`);
    await page.click(`.alert-row[data-id="${alert.id}"] .alert-link`);
    await page.waitForSelector('.tree-node[data-image="w3wp.exe"] .tree-node.focus[data-image="cmd.exe"] .tree-node[data-image="whoami.exe"]');
    const whoami = page.locator('.evidence-step[data-image="whoami.exe"]');
    await whoami.waitFor();
    assert.match(await whoami.locator('.evidence.sysmon').textContent() ?? '', /Image\s*C:\\Windows\\System32\\whoami\.exe/);
    assert.match(await whoami.locator('.evidence.security').textContent() ?? '', /NewProcessName\s*C:\\Windows\\System32\\whoami\.exe/);
    const w3wp = page.locator('.evidence-step[data-image="w3wp.exe"]');
    assert.equal(await page.locator('.evidence-step').first().getAttribute('data-image'), 'w3wp.exe');
    // w3wp.exe started before the day's logs: known from cmd.exe's Sysmon 1 (Parent*) and 4688 (creator PID, ParentProcessName).
    assert.match(await w3wp.locator('.evidence.sysmon.inferred').textContent() ?? '', /ParentImage\s*C:\\Windows\\System32\\inetsrv\\w3wp\.exe/);
    const cmdEvent = demoDataset().find((e) => e.event_id === 1 && e.host === DEMO_STORY.webHost && e.data.ProcessId === whoamiEvent.data.ParentProcessId);
    const w3wpPid = `0x${Number(cmdEvent?.data.ParentProcessId).toString(16)}`;
    assert.deepEqual(await w3wp.locator('.evidence.security.inferred dd').allTextContents(), [w3wpPid, 'C:\\Windows\\System32\\inetsrv\\w3wp.exe']);
    const w3wpConnections = '.connections:has(h3:has-text("w3wp.exe (PID"))';
    await page.waitForSelector(`${w3wpConnections} .public-sysmon .conn:has-text("${DEMO_STORY.payloadServerIp}:${DEMO_STORY.payloadServerPort}")`);
    await page.waitForSelector(`${w3wpConnections} .public-security .conn:has-text("${DEMO_STORY.payloadServerIp}:${DEMO_STORY.payloadServerPort}")`);
    await page.waitForSelector('.process-events .vt-row');
    await screenshot(page, 'ui', '06-alert-webshell-story');
  });

  it('process tree: collapse and expand, click a node to see its events', async () => {
    // The drawn graph: w3wp.exe → cmd.exe (focus) → whoami.exe, edges between them; a click on a box selects it.
    await page.waitForSelector('.tree-graph-node.focus[data-image="cmd.exe"]');
    assert.deepEqual((await page.locator('.tree-graph-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-image')))).filter((x) => ['w3wp.exe', 'cmd.exe', 'whoami.exe'].includes(x ?? '')).sort(), ['cmd.exe', 'w3wp.exe', 'whoami.exe']);
    assert.ok(await page.locator('.tree-graph-edge').count() >= 2);
    await page.locator('.tree-graph-node[data-image="whoami.exe"]').click();
    await page.waitForSelector('.tree-graph-node.selected[data-image="whoami.exe"]');
    await page.waitForSelector('.process-events h3:has-text("whoami.exe")');
    const cmdNode = page.locator('.tree-node.focus[data-image="cmd.exe"]');
    await cmdNode.locator('> .tree-row .tree-toggle').click();
    assert.equal(await cmdNode.getAttribute('aria-expanded'), 'false');
    assert.equal(await cmdNode.locator('.tree-node[data-image="whoami.exe"]').isVisible(), false);
    await cmdNode.locator('> .tree-row .tree-toggle').click();
    assert.equal(await cmdNode.locator('.tree-node[data-image="whoami.exe"]').isVisible(), true);
    await cmdNode.locator('.tree-node[data-image="whoami.exe"] .tree-select').click();
    await page.waitForSelector('.process-events h3:has-text("whoami.exe")');
    await page.waitForSelector('.process-events .vt-row');
    const channels = await page.locator('.process-events .vt-row .vt-cell:nth-child(2)').allTextContents();
    assert.ok(channels.includes('Security') && channels.includes('Microsoft-Windows-Sysmon/Operational'), channels.join(', '));
    await screenshot(page, 'ui', '07-process-tree-whoami');
    // From the query console: a process row opens its tree.
    await page.goto(`${t.server.url}/#/query?q=${encodeURIComponent('table sysmon | search event_id == 1 and Image == "*\\\\whoami.exe" | fields _time, host, ProcessGuid, Image, CommandLine')}`);
    await page.click('.vt-row[data-row="0"]');
    await page.waitForSelector('.tree-node.focus[data-image="whoami.exe"]');
    assert.equal(await page.locator('.evidence-step').first().getAttribute('data-image'), 'cmd.exe');
  });

  it('shows hash prevalence (allowlisted hidden), the payload\'s spread with patient zero, and its run\'s tree', async () => {
    // Allowlist the rarest binary: hidden by default, shown with its reason when asked.
    const rarest = ((await t.api('GET', '/api/forensics/prevalence?limit=1')).body.rows as { sha256: string }[])[0].sha256;
    writeFileSync(join(t.dataDir, 'forensics-allowlist.txt'), `# known good\n${rarest}\n`);
    await page.goto(`${t.server.url}/#/prevalence`);
    await page.waitForSelector('.vt-row');
    const shown = async (): Promise<string[]> => page.locator('.vt-row .vt-cell:first-child').allTextContents();
    assert.ok(!(await shown()).includes(rarest), 'the allowlisted hash is hidden');
    await page.uncheck('.hide-allowed');
    await waitFor('the allowlisted hash shown', async () => (await shown()).includes(rarest));
    await page.check('.hide-allowed');
    await screenshot(page, 'ui', '08-prevalence');
    await page.fill('.prevalence-filter', 'svch0st');
    await waitFor('only the payload row', async () => (await page.locator('.vt-row').count()) === 1);
    const payloadRow = await page.locator('.vt-row[data-row="0"] .vt-cell').allTextContents();
    assert.equal(payloadRow[0], DEMO_STORY.payload.sha256);
    assert.equal(payloadRow[1], '2', 'two hosts ran it');
    await page.click('.vt-row[data-row="0"]');
    await page.waitForURL(new RegExp(`#/spread/hash/${DEMO_STORY.payload.sha256}$`));
    await page.waitForSelector('.spread-host');
    assert.deepEqual(await page.locator('.spread-host').evaluateAll((els) => els.map((e) => e.getAttribute('data-host'))), [DEMO_STORY.webHost, DEMO_STORY.lateralHost]);
    assert.match(await page.locator('.patient-zero').textContent() ?? '', new RegExp(DEMO_STORY.webHost.replace(/\./g, '\\.')));
    await screenshot(page, 'ui', '09-spread');
    // The lateral copy's run on FS01, traced back through its parents (the service that started it).
    await page.click(`.spread-host[data-host="${DEMO_STORY.lateralHost}"] .spread-tree`);
    await page.waitForSelector('.tree-node.focus[data-image="svch0st.exe"]');
    const parent = page.locator('.tree-node:has(> .tree-children > .tree-node.focus[data-image="svch0st.exe"])');
    assert.equal(await parent.getAttribute('data-image'), 'services.exe', 'started by the service control manager');
    // Above the run only its line of ancestry is shown, not the service manager's other children.
    assert.equal(await parent.locator('> .tree-children > .tree-node').count(), 1);
    // Its own connection to the attacker's server (Sysmon 3 and 5156).
    const own = '.connections:has(h3:has-text("svch0st.exe (PID"))';
    await page.waitForSelector(`${own} .public-sysmon .conn:has-text("${DEMO_STORY.payloadServerIp}")`);
    await page.waitForSelector(`${own} .public-security .conn:has-text("${DEMO_STORY.payloadServerIp}")`);
    await screenshot(page, 'ui', '09-spread-tree');
    // Spread of an IOC: the attacker's server, contacted from both hosts.
    await page.goto(`${t.server.url}/#/prevalence`);
    await page.fill('.spread-search', DEMO_STORY.payloadServerIp);
    await page.press('.spread-search', 'Enter');
    await page.waitForURL(/#\/spread\/ioc\//);
    await page.waitForSelector('.spread-host');
    assert.deepEqual(await page.locator('.spread-host').evaluateAll((els) => els.map((e) => e.getAttribute('data-host'))), [DEMO_STORY.webHost, DEMO_STORY.lateralHost]);
  });

  it('lists the hosts and switches to Korean labels', async () => {
    await page.goto(`${t.server.url}/#/hosts`);
    await page.waitForSelector('.host-row');
    assert.equal(await page.locator('.host-row').count(), 6); // the demo's 5 hosts and the live test's WEB02
    await page.click('nav button.lang');
    await page.waitForSelector('nav >> text=쿼리');
    await page.waitForSelector('h2:has-text("호스트")');
    await page.waitForSelector('.host-row');
    await page.waitForSelector('table.hosts th:has-text("처음 발견")');
    await screenshot(page, 'ui', '10-hosts-korean');
    await page.click('nav button.lang');
  });
});

describe('virtualized results table', { timeout: 120_000 }, () => {
  it('scrolls a million rows with only the visible rows in the DOM', async () => {
    // The real component, bundled with its in-page check (src/ui/testing/vtable-check.ts).
    const bundle = await build({ entryPoints: [join(projectRoot, 'src/ui/testing/vtable-check.ts')], bundle: true, write: false, format: 'iife', globalName: 'VTCheck', target: 'es2022' });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      await page.setContent('<!doctype html><html><body><div id="host"></div></body></html>');
      await page.addStyleTag({ path: join(projectRoot, 'src/ui/style.css') });
      await page.addScriptTag({ content: bundle.outputFiles[0].text });
      const result = await page.evaluate('VTCheck.checkMillionRows(document.getElementById("host"))') as { maxRows: number; last: number; middleFirst: number; middleVisible: number; p95: number; worst: number };
      assert.ok(result.maxRows < 100, `rows in the DOM: ${result.maxRows}`);
      assert.equal(result.last, 999_999, 'the last row is reachable');
      assert.ok(result.middleFirst > 490_000 && result.middleFirst < 510_000, `middle of the scroll shows row ~500000, got ${result.middleFirst}`);
      assert.ok(result.middleVisible >= 20, `rows visible in the viewport: ${result.middleVisible}`);
      // Rendering a jump anywhere in a million rows is a slice render: well under one frame budget (allowing for a loaded 2-core machine).
      assert.ok(result.p95 < 30, `render p95 ${result.p95.toFixed(1)} ms, worst ${result.worst.toFixed(1)} ms`);
    } finally {
      await browser.close();
    }
  });
});
