// The lab of "Istio in Action" ch. 2 as data: each step, the walkthrough step it belongs to,
// and the shell commands it stands for (what the learner would type without the extension).
import { LAB_ISTIO_VERSION } from '../shared/istio-defaults';

export type LabStepId =
  'cluster' | 'download' | 'verify' | 'install' | 'watch' | 'sample-app' | 'architecture' | 'registry';

export interface LabStep {
  readonly id: LabStepId;
  /** The commands of the step, in the order the lab runs them. */
  readonly commands: readonly string[];
  /** Other ways to do the same thing, shown beside the commands but not part of the run. */
  readonly variants?: readonly string[];
}

/** Bookinfo's manifest inside a release folder (the same path from 1.0 to today's releases). */
export const BOOKINFO_MANIFEST = 'samples/bookinfo/platform/kube/bookinfo.yaml';

export const LAB_WALKTHROUGH_ID = 'deployIstio';

export const labSteps: readonly LabStep[] = [
  { id: 'cluster', commands: ['kubectl config get-contexts', 'kubectl version', 'kubectl get nodes'] },
  {
    id: 'download',
    commands: [
      `curl -L https://istio.io/downloadIstio | ISTIO_VERSION=${LAB_ISTIO_VERSION} sh -`,
      `cd istio-${LAB_ISTIO_VERSION}`,
      'export PATH=$PWD/bin:$PATH',
    ],
  },
  { id: 'verify', commands: ['istioctl version', 'istioctl verify-install'] },
  {
    id: 'install',
    commands: [
      'for i in install/kubernetes/helm/istio-init/files/crd*yaml; do kubectl apply -f $i; done',
      'kubectl create -f install/kubernetes/istio-demo.yaml',
    ],
  },
  { id: 'watch', commands: ['kubectl get po -n istio-system'], variants: ['kubectl get po -n istio-system -w'] },
  {
    id: 'sample-app',
    // The release's own Bookinfo, from the release folder; modern releases ship the same files
    // (ambient ones too: this lab keeps the sidecar path). The label first: the injector only
    // adds istio-proxy to pods created in a labelled namespace.
    commands: ['kubectl label namespace default istio-injection=enabled', `kubectl apply -f ${BOOKINFO_MANIFEST}`],
    variants: ['kubectl get po -w'],
  },
  { id: 'architecture', commands: ['kubectl get deploy,svc -n istio-system'] },
  {
    id: 'registry',
    commands: [
      "kubectl run -i --rm --restart=Never dummy --image=tutum/curl:alpine -n istio-system --command -- curl -v 'http://istio-pilot.istio-system:8080/v1/registration'",
    ],
    variants: [
      'kubectl get --raw /api/v1/namespaces/istio-system/services/http:istio-pilot:8080/proxy/v1/registration',
    ],
  },
];

export function findLabStep(id: string): LabStep | undefined {
  return labSteps.find((step) => step.id === id);
}

/**
 * The text to type into a terminal for a step: its commands chained with `&&`, so that a
 * learner who presses Enter runs them in order and stops at the first failure.
 */
export function terminalLineFor(step: LabStep): string {
  return step.commands.join(' && ');
}
