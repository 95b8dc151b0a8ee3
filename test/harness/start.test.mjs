// `npm start -- --no-open` starts the sandbox cluster, selects it in the workspace settings and
// prints a URL at which VS Code shows the Istio Lab activity-bar icon and opens the lab guide.
// Screenshot: test-results/screenshots/start-*.png.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { launchChromium } from '../../scripts/lib/browser-vscode.mjs';
import { root } from '../../scripts/lib/vscode-tests.mjs';
import { startLab } from '../e2e/lab-driver.mjs';

test('npm start -- --no-open serves VS Code with the Istio Lab icon and opens the lab guide', async () => {
  const lab = await startLab();
  const browser = await launchChromium().catch(async (error) => {
    await lab.stop();
    throw error;
  });
  let code;
  try {
    const nodes = spawnSync('kubectl', ['--kubeconfig', lab.kubeconfig, 'get', 'nodes', '-o', 'name'], {
      encoding: 'utf8',
    });
    assert.equal(nodes.status, 0, nodes.stderr);
    assert.equal(
      nodes.stdout.trim().split('\n').length,
      3,
      `the sandbox should have the book's three nodes:\n${nodes.stdout}`,
    );
    const settings = JSON.parse(fs.readFileSync(path.join(lab.home, 'workspace', '.vscode', 'settings.json'), 'utf8'));
    assert.equal(settings['istioLab.kubeconfig'], lab.kubeconfig);
    assert.equal(settings['istioLab.context'], 'istio-lab-sandbox');
    // Offline (as in CI) the lab serves its own release mirror and points the extension at it.
    if (lab.releases.includes('offline lab mirror')) {
      const archive = await fetch(`${settings['istioLab.releaseBaseUrl']}/1.2.2/istio-1.2.2-linux.tar.gz`, {
        method: 'HEAD',
      });
      assert.equal(archive.status, 200, "the offline mirror serves the book's release");
    }
    const page = await browser.context.newPage();
    // Loading the workbench takes over 30 s on a busy 2-core machine.
    await page.goto(lab.url, { timeout: 120_000 });
    const icon = page.locator('.activitybar [aria-label^="Istio Lab"]');
    await icon.first().waitFor({ timeout: 60_000 });
    await page.getByText('Deploy Istio on Kubernetes').first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(root, 'test-results', 'screenshots', 'start-welcome.png') });
    await icon.first().click();
    await page.getByText('1. Prepare a cluster').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(root, 'test-results', 'screenshots', 'start-activity-bar.png') });
  } finally {
    await browser.close();
    // Stopped also when an assertion failed: a running lab would keep this test file alive.
    code = await lab.stop();
  }
  assert.ok(code === 0 || code === 'SIGINT' || code === 130, `npm start did not stop cleanly on Ctrl-C (${code})`);
});
