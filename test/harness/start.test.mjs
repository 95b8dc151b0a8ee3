// `npm start -- --no-open` starts the sandbox cluster, selects it in the workspace settings and
// prints a URL at which VS Code shows the Istio Lab activity-bar icon and opens the lab guide.
// Screenshot: test-results/screenshots/start-*.png.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { launchChromium } from '../../scripts/lib/browser-vscode.mjs';
import { root } from '../../scripts/lib/vscode-tests.mjs';

/** Returns `waitFor(pattern)`, which resolves with the first match in everything the child printed. */
function watchOutput(child) {
  let output = '';
  let exitCode;
  const checks = new Set();
  child.stdout.on('data', (chunk) => {
    output += chunk;
    for (const check of checks) check();
  });
  child.once('exit', (code) => {
    exitCode = code;
    for (const check of checks) check();
  });
  return (pattern) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output);
        if (match) resolve(match);
        else if (exitCode !== undefined) reject(new Error(`npm start exited (${exitCode}) before printing ${pattern}:\n${output}`));
        else return;
        checks.delete(check);
      };
      checks.add(check);
      check();
    });
}

test('npm start -- --no-open serves VS Code with the Istio Lab icon and opens the lab guide', async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-start-'));
  const start = spawn('npm', ['start', '--', '--no-open', '--browser'], {
    cwd: root,
    env: { ...process.env, ISTIO_LAB_START_DIR: home },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const exited = new Promise((resolve) => start.once('exit', (code, signal) => resolve(code ?? signal)));
  const waitFor = watchOutput(start);
  const browser = await launchChromium();
  try {
    const [, kubeconfig] = await waitFor(/^Sandbox cluster: \S+ \(kubeconfig (.+)\)$/m);
    const nodes = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'name'], { encoding: 'utf8' });
    assert.equal(nodes.status, 0, nodes.stderr);
    assert.equal(nodes.stdout.trim().split('\n').length, 3, `the sandbox should have the book's three nodes:\n${nodes.stdout}`);
    const [, releases] = await waitFor(/^Istio releases: (.+)$/m);
    const settings = JSON.parse(fs.readFileSync(path.join(home, 'workspace', '.vscode', 'settings.json'), 'utf8'));
    assert.equal(settings['istioLab.kubeconfig'], kubeconfig);
    assert.equal(settings['istioLab.context'], 'istio-lab-sandbox');
    // Offline (as in CI) the lab serves its own release mirror and points the extension at it.
    if (releases.includes('offline lab mirror')) {
      const archive = await fetch(`${settings['istioLab.releaseBaseUrl']}/1.2.2/istio-1.2.2-linux.tar.gz`, { method: 'HEAD' });
      assert.equal(archive.status, 200, 'the offline mirror serves the book\'s release');
    }
    const [, url] = await waitFor(/^VS Code: (http\S+)$/m);
    const page = await browser.context.newPage();
    await page.goto(url);
    const icon = page.locator('.activitybar [aria-label^="Istio Lab"]');
    await icon.first().waitFor({ timeout: 60_000 });
    await page.getByText('Deploy Istio on Kubernetes').first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(root, 'test-results', 'screenshots', 'start-welcome.png') });
    await icon.first().click();
    await page.getByText('1. Prepare a Kubernetes cluster').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(root, 'test-results', 'screenshots', 'start-activity-bar.png') });
  } finally {
    await browser.close();
    process.kill(-start.pid, 'SIGINT');
  }
  fs.rmSync(home, { recursive: true, force: true });
  const code = await exited;
  assert.ok(code === 0 || code === 'SIGINT' || code === 130, `npm start did not stop cleanly on Ctrl-C (${code})`);
});
