// The stand-in istioctl inside test release archives (scripts/lib/release-archive.mjs) does what
// the lab's modern install path needs against the sandbox, through the real kubectl: the commands
// each release has, and `install --set profile=demo -y` applying the real rendered demo manifest.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { buildReleaseArchive } from '../../scripts/lib/release-archive.mjs';
import { extractArchive } from '../../src/lab/download/extract-archive';
import type { KubectlSandbox } from './kubectl';
import { startKubectlSandbox } from './kubectl';

const run = promisify(execFile);
let work: string;
let cluster: KubectlSandbox;
const istioctl: Record<string, string> = {};

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'istio-lab-stand-in-'));
  for (const version of ['1.2.2', '1.26.1']) {
    const built = await buildReleaseArchive({ root: path.join(work, 'mirror'), version });
    const target = path.join(work, `istio-${version}`);
    await extractArchive({ archive: built.file, kind: 'tar.gz', target });
    istioctl[version] = path.join(target, 'bin', 'istioctl');
  }
  cluster = await startKubectlSandbox({ nodes: 1, speed: 0, kubeVersion: 'v1.30.0' });
});

after(async () => {
  await cluster.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const env = (): NodeJS.ProcessEnv => ({
  ...process.env,
  KUBECONFIG: cluster.kubeconfigPath,
  HOME: path.dirname(cluster.kubeconfigPath),
});

test('says it is a stand-in, and has only the commands of its release', async () => {
  const legacy = await run(istioctl['1.2.2'], ['version'], { env: env() });
  assert.match(legacy.stdout, /1\.2\.2.*\(Istio Lab stand-in, not the real istioctl\)/);
  const verify = await run(istioctl['1.2.2'], ['verify-install'], { env: env() });
  assert.match(verify.stdout, /stand-in/);
  // Istio 1.2's istioctl has no install command; 1.26's has no verify-install.
  await assert.rejects(
    run(istioctl['1.2.2'], ['install', '--set', 'profile=demo', '-y'], { env: env() }),
    /unknown command "install"/,
  );
  await assert.rejects(run(istioctl['1.26.1'], ['verify-install'], { env: env() }), /unknown command "verify-install"/);
});

test('installs the real 1.26.1 demo manifest with kubectl, as istioctl install --set profile=demo -y', async () => {
  const install = await run(istioctl['1.26.1'], ['install', '--set', 'profile=demo', '-y'], { env: env() });
  assert.match(install.stdout, /Installation complete/);
  const deployments = await cluster.kubectl(['get', 'deployments.apps', '-n', 'istio-system', '-o', 'name']);
  assert.deepEqual(deployments.stdout.trim().split('\n').sort(), [
    'deployment.apps/istio-egressgateway',
    'deployment.apps/istio-ingressgateway',
    'deployment.apps/istiod',
  ]);
  const crds = await cluster.kubectl(['get', 'crd', '-o', 'name']);
  assert.equal(
    crds.stdout
      .trim()
      .split('\n')
      .filter((name) => name.includes('istio.io')).length,
    14,
  );
});
