// What the pre-check tests share: Istio 1.2.2's release facts read from the book's istio-demo.yaml,
// the results written one line each, and what the book's GKE 1.13 cluster gets, in the unit test
// (cluster facts written out) and against the book-like sandbox (facts probed).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planInstall } from '../../../src/istio/install-plan';
import type { CheckResult, ReleaseFacts } from '../../../src/istio/precheck/precheck';
import { demoRequirements } from '../../../src/istio/precheck/precheck';
import { parseManifest } from '../../../src/kube/apply/manifest';

export const istioFixtures = path.resolve(__dirname, '..', '..', 'fixtures', 'istio');

/** What a release's demo profile requests, read from its manifest (a path under test/fixtures/istio). */
export const demoOf = (manifest: string) =>
  demoRequirements(parseManifest(fs.readFileSync(path.join(istioFixtures, manifest), 'utf8')));

export const demo122 = demoOf('legacy/istio-1.2.2/istio-demo.yaml');

/** The book's release: Istio 1.2.2, its demo profile installed into istio-system. */
export const release122: ReleaseFacts = {
  version: '1.2.2',
  minKubernetesMinor: planInstall('1.2.2').minKubernetesMinor,
  demo: demo122,
  istioNamespace: 'istio-system',
};

/** Each result as `id:status:code`. */
export const resultLines = (results: readonly CheckResult[]): string[] =>
  results.map((result) => `${result.id}:${result.status}:${result.code}`);

/** The book's cluster (GKE 1.13.7, 3 nodes, nothing installed) passes every check, noting the single replicas. */
export const BOOK_CLUSTER_RESULTS = [
  'api:pass:reachable',
  'version:pass:versionSupported',
  'permissions:pass:permissionsGranted',
  'existing:pass:notInstalled',
  'resources:pass:resourcesFit',
  'loadBalancer:pass:noLoadBalancerService',
  'replicas:info:singleReplicas',
  'webhooks:pass:webhooksServed',
];
