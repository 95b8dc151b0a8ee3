// The modern install path: the release's istioctl run as a child process with the command that
// release has (`install --set profile=demo -y` for 1.26), its output streamed, against the
// sandbox. The istioctl here is the test archives' stand-in (scripts/lib/release-archive.mjs),
// which applies the real rendered 1.26.1 demo manifest with kubectl and says it is a stand-in.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { planInstall } from '../../src/istio/install-plan';
import { runIstioctl } from '../../src/kube/apply/istioctl-runner';
import type { IstioctlTarget } from '../../src/kube/apply/istioctl-runner';
import { kubernetesClient } from '../../src/kube/connection';
import { istioSystemDeployments, istiodDemoDeployments } from './istio-demo';
import type { IstioctlLab } from './istioctl-lab';
import { istioctlInstallArgs, runIstioctlToEnd, startIstioctlLab } from './istioctl-lab';

describe('installing Istio 1.26.1 through its istioctl', () => {
  let lab: IstioctlLab;
  let target: IstioctlTarget;

  before(async () => {
    lab = await startIstioctlLab('istio-lab-istioctl-');
    const k8s = await kubernetesClient();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromString(lab.cluster.sandbox.kubeconfig);
    target = { kubeConfig, contextName: kubeConfig.getCurrentContext() };
  });
  after(() => lab.close());

  test('runs `istioctl install --set profile=demo -y`, streams its output, and istiod exists afterwards', async () => {
    const { code, output } = await runIstioctlToEnd(lab.istioctl, istioctlInstallArgs(), target);
    assert.equal(code, 0, output);
    assert.match(output, /profile "demo"/);
    assert.match(output, /Installation complete/);
    assert.deepEqual(await istioSystemDeployments(lab.cluster), istiodDemoDeployments);
  });

  test('runs `istioctl uninstall --purge -y`, and istio-system is gone', async () => {
    const plan = planInstall('1.26.1');
    assert.equal(plan.uninstall.kind, 'istioctl');
    const code = await runIstioctl(lab.istioctl, plan.uninstall.args, target, () => undefined);
    assert.equal(code, 0);
    const namespace = await lab.cluster.kubectl(['get', 'namespace', 'istio-system']);
    assert.match(namespace.stderr, /NotFound/);
  });

  test("a release without the command fails with istioctl's own error and exit code", async () => {
    const { code, output } = await runIstioctlToEnd(
      lab.istioctl,
      ['manifest', 'apply', '--set', 'profile=demo'],
      target,
    );
    assert.notEqual(code, 0);
    assert.match(output, /unknown command "manifest apply"/);
  });

  test('cancelling kills it and reports exit code 130', async () => {
    const slow = path.join(lab.dir, 'slow-istioctl');
    fs.writeFileSync(slow, '#!/usr/bin/env node\nconsole.log("started");\nsetInterval(() => {}, 1000);\n', {
      mode: 0o755,
    });
    const controller = new AbortController();
    const running = runIstioctl(
      slow,
      ['install', '--set', 'profile=demo', '-y'],
      target,
      (text) => {
        if (text.includes('started')) controller.abort();
      },
      controller.signal,
    );
    assert.equal(await running, 130);
  });
});
