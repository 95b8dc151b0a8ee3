// The lab on a misbehaving cluster: the same steps that matter (install, watch, registry,
// uninstall) with the sandbox's faults on — latency on every request, watches dropped after a few
// events, forced 410 Gone on new watches, transient 500s on lists and creates, and RBAC denying
// the API server's service proxy into istio-system. The lab must still complete, or say exactly
// what is wrong; either way nothing may be left half-installed.
// Screenshots: test-results/screenshots/reliability-<step>-<light|dark>.png.
import * as assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Workbench, screenshotDir, startLab } from './lab-driver.mjs';
import {
  confirm,
  downloadRelease,
  installedSummary,
  nothingInstalled,
  openLabGuide,
  selectSandboxContext,
  waitForBookPods,
  waitForCommandToSettle,
  waitUntil,
} from './lab-flow.mjs';

/**
 * Faults of src/sandbox/faults/fault-config.ts, all on for the whole run; the pod store meets the same
 * ones in test/integration/pod-store-faults.test.ts.
 */
export const FAULTS = JSON.parse(fs.readFileSync(new URL('./reliability-faults.json', import.meta.url), 'utf8'));

let lab;
let workbench;
let faultsFile;
const shoot = (step) => workbench.shoot(step, 'reliability');

before(async () => {
  faultsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-faults-')), 'faults.json');
  // ISTIO_LAB_E2E_FAULTS (JSON) replaces the faults, to find which one a failure comes from.
  fs.writeFileSync(faultsFile, process.env.ISTIO_LAB_E2E_FAULTS ?? JSON.stringify(FAULTS, null, 2));
  lab = await startLab({ faultsFile });
  workbench = await Workbench.open(lab, { theme: 'dark' });
});

after(async () => {
  await workbench?.close();
  await lab?.stop();
  if (faultsFile) fs.rmSync(path.dirname(faultsFile), { recursive: true, force: true });
});

/**
 * Found by this run (2026-11-26), each fixed and covered by an integration test:
 * - the pod store stayed "reconnecting" after a watch dropped before any event
 *   (test/integration/pod-store-faults.test.ts);
 * - the install's wait stopped watching after a 500 on a pod list (install.test.ts);
 * - Install Istio timed out (once in three runs): when a 500 hit the create of a CRD whose custom
 *   resources the manifest holds (rules, instances, handlers…), the engine let each of those
 *   resources wait the whole establish timeout (60 s) for a kind that could not appear, holding one
 *   of its 8 request slots meanwhile, so the first attempt took minutes. They now fail at once with
 *   kubectl's "no matches for kind" and the retry creates them (install.test.ts, "a CRD the server
 *   refuses"). ISTIO_LAB_E2E_FAULTS='{"latencyMs":40,"errors":[{"verb":"create","resource":"customresourcedefinitions","count":28}]}'
 *   reproduces it every time (before the fix: "timed out after 180 s waiting for the command to finish").
 */
let failed;
const step = (name, body) =>
  test(name, { timeout: 600_000 }, async (t) => {
    if (failed) return t.skip(`an earlier step failed: ${failed}`);
    try {
      await body(t);
    } catch (error) {
      failed = name;
      await workbench?.page
        .screenshot({ path: path.join(screenshotDir, 'reliability-failed.png') })
        .catch(() => undefined);
      throw error;
    }
  });

/** Error notifications since the last call, for steps that may tell the learner what went wrong. */
let seenErrors = 0;
async function newErrors() {
  const errors = await workbench.errors();
  const fresh = errors.slice(seenErrors);
  seenErrors = errors.length;
  return fresh;
}

/** An error a learner can act on says what failed and why: a status, a reason or a cause. */
function assertExplains(errors, step) {
  for (const error of errors) {
    assert.match(
      error,
      /\b(500|403|410|Forbidden|Internal|Gone|RBAC|permission|may not|retry|try again)\b/i,
      `"${step}" showed an error that does not say what is wrong: ${error}`,
    );
  }
}

step('with faults on, the sandbox context and the release still come through', async () => {
  await openLabGuide(workbench);
  await selectSandboxContext(workbench);
  await downloadRelease(workbench, undefined);
  assertExplains(await newErrors(), 'download');
});

step(
  "with faults on, the install completes (retried once if it says why it failed) and the tree shows the book's pods",
  async (t) => {
    for (let attempt = 1; ; attempt++) {
      await workbench.runCommand('istioLab.installIstio');
      await confirm(workbench, 'Install');
      // The previous attempt's notification is still up, which "settled" alone would take for this
      // attempt's result: wait for this install's own progress first (or an error before it starts).
      await waitUntil(
        `install attempt ${attempt} to start`,
        async () =>
          (await workbench.toast('Installing Istio').count()) > 0 || (await workbench.errors()).length > seenErrors,
        { timeout: 60_000, everyMs: 100, page: workbench.page },
      );
      await waitForCommandToSettle(workbench, { timeout: 180_000 });
      const errors = await newErrors();
      t.diagnostic(`install attempt ${attempt}: ${errors.length ? errors.join(' | ') : 'no error'}`);
      if (errors.length === 0) break;
      assertExplains(errors, `install attempt ${attempt}`);
      assert.ok(attempt < 3, `the install failed ${attempt} times: ${errors.join('\n')}`);
    }
    await waitForBookPods(workbench, { timeout: 180_000 });
    await shoot('pods');
    assertExplains(await newErrors(), 'watch');
  },
);

step(
  'with the service proxy forbidden, the registry either shows grafana or says which permission is missing (refreshed if a fetch says it failed on a 500)',
  async (t) => {
    await workbench.runCommand('istioLab.showRegistry');
    let refreshes = 0;
    const outcome = await waitUntil(
      'the registry viewer to show the registry or an explanation',
      async () => {
        for (const frame of workbench.page.frames()) {
          if (!frame.url().includes('webview')) continue;
          if (
            await frame
              .getByText('grafana.istio-system.svc.cluster.local', { exact: false })
              .first()
              .isVisible()
              .catch(() => false)
          )
            return 'registry';
          if (
            await frame
              .getByText(/RBAC|may not|Forbidden/i)
              .first()
              .isVisible()
              .catch(() => false)
          )
            return 'explained';
          // A 500 on the pod list the port-forward fallback needs is shown as such, with Refresh; a
          // learner refreshes, and so does this step (at most 3 times: the faults inject 4 in all).
          const banner = frame.locator('#error');
          const failure = (await banner.isVisible().catch(() => false))
            ? ((await banner.textContent().catch(() => '')) ?? '')
            : '';
          if (/\b500\b|InternalError/.test(failure)) {
            if (refreshes === 3) return `still failing: ${failure}`;
            t.diagnostic(`registry refresh ${++refreshes} after: ${failure}`);
            await frame.locator('#refresh').click();
            // The fetch shows #progress while it runs (it may come and go before this looks).
            await frame
              .locator('#progress')
              .waitFor({ state: 'visible', timeout: 10_000 })
              .catch(() => undefined);
            await frame.locator('#progress').waitFor({ state: 'hidden', timeout: 120_000 });
          }
        }
        const errors = await workbench.errors();
        return errors.slice(seenErrors).some((error) => /RBAC|may not|Forbidden|services\/proxy/i.test(error))
          ? 'explained'
          : undefined;
      },
      { timeout: 300_000, everyMs: 1000, page: workbench.page },
    );
    assert.ok(
      outcome === 'registry' || outcome === 'explained',
      `after ${refreshes} refreshes the registry fetch ${outcome}`,
    );
    await shoot(`registry-${outcome}`);
    assertExplains(await newErrors(), 'registry');
  },
);

/**
 * The test's own kubectl goes through the same faults as the lab and may meet an injected 500 on a
 * pod list: it asks again (as a learner would) instead of failing the step on its own probe.
 */
async function probe(what) {
  for (let attempt = 1; ; attempt++) {
    try {
      return what(lab.kubeconfig);
    } catch (error) {
      if (attempt >= 5 || !/InternalError|injected fault/.test(error.message)) throw error;
      await workbench.page.waitForTimeout(500);
    }
  }
}

step('with faults on, the uninstall leaves nothing of Istio behind', async () => {
  await workbench.page.keyboard.press('Escape');
  for (let attempt = 1; !(await probe(nothingInstalled)); attempt++) {
    if (attempt > 3)
      assert.fail(`after ${attempt - 1} uninstalls Istio is still there: ${await probe(installedSummary)}`);
    await workbench.runCommand('istioLab.uninstallIstio');
    await confirm(workbench, 'Uninstall');
    await waitForCommandToSettle(workbench, { timeout: 600_000 });
    assertExplains(await newErrors(), `uninstall attempt ${attempt}`);
    await waitUntil('the uninstall to remove everything', () => probe(nothingInstalled), {
      timeout: 300_000,
      everyMs: 2000,
      page: workbench.page,
    }).catch(() => undefined);
  }
  await shoot('uninstalled');
});
