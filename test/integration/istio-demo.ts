// The demo profiles the integration tests install, in one place: the book's Istio 1.2.2
// (`kubectl create -f istio-demo.yaml` on a warm cache) and Istio 1.26.1 (its rendered manifest, or
// a release folder with the test archives' stand-in istioctl that applies it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STAND_IN_DEMO, standInIstioctl } from '../../scripts/lib/release-archive.mjs';
import type { KubectlSandbox } from './kubectl';
import { fixtures } from './kubectl';

export const demo122 = path.join(fixtures, 'legacy', 'istio-1.2.2', 'istio-demo.yaml');
const demo1261 = path.join(fixtures, 'modern', 'istio-1.26.1', 'demo.yaml');

/** The install's Jobs: they complete a pass after their pods run, as in the book's `kubectl get po`. */
export const demoJobs = [
  'istio-cleanup-secrets-1.2.2',
  'istio-grafana-post-install-1.2.2',
  'istio-security-post-install-1.2.2',
];

/**
 * `kubectl create -f istio-demo.yaml` on a warm discovery cache, so the custom resources that follow
 * their CRDs in the file map (on a cold cache kubectl fails them, as on a real cluster).
 */
export async function createIstioDemo(cluster: KubectlSandbox): Promise<void> {
  await cluster.kubectl(['get', 'ns']);
  await cluster.kubectlOk(['create', '-f', demo122]);
}

/**
 * Istio 1.26.1's demo profile (istiod) into an istio-system created first, as `istioctl manifest
 * generate` output expects. The sandbox must serve policy/v1 and apiextensions.k8s.io/v1 (1.32 does).
 */
export async function createIstiodDemo(cluster: KubectlSandbox): Promise<void> {
  await cluster.kubectl(['get', 'ns']);
  await cluster.kubectl(['create', 'ns', 'istio-system']);
  await cluster.kubectlOk(['create', '-f', demo1261]);
}

/** Writes `<dir>/istio-1.26.1` with the stand-in `bin/istioctl` and the demo manifest it applies; returns the istioctl. */
export function writeStandInRelease(dir: string): string {
  const release = path.join(dir, 'istio-1.26.1');
  const istioctl = path.join(release, 'bin', 'istioctl');
  fs.mkdirSync(path.dirname(istioctl), { recursive: true });
  fs.writeFileSync(istioctl, standInIstioctl('1.26.1'), { mode: 0o755 });
  fs.mkdirSync(path.dirname(path.join(release, STAND_IN_DEMO)), { recursive: true });
  fs.copyFileSync(demo1261, path.join(release, STAND_IN_DEMO));
  return istioctl;
}

/** The Deployments in istio-system, sorted, as `kubectl get deploy -o name` names them. */
export async function istioSystemDeployments(cluster: KubectlSandbox): Promise<string[]> {
  const names = await cluster.kubectlOk(['get', 'deploy', '-n', 'istio-system', '-o', 'name']);
  return names.trim().split('\n').sort();
}

/** What {@link istioSystemDeployments} lists after Istio 1.26.1's demo profile is installed. */
export const istiodDemoDeployments = [
  'deployment.apps/istio-egressgateway',
  'deployment.apps/istio-ingressgateway',
  'deployment.apps/istiod',
];
