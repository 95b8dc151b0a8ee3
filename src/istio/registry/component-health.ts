// The diagram's live state: pods (the pod store's summaries) classified by role
// (src/istio/roles) and counted per diagram component — how many exist, how many are ready —
// with each component's one-line role in the learner's language. Pure.
import type { ComponentHealth, ComponentId, IstioEra } from '../../shared/registry-messages';
import { COMPONENT_IDS } from '../../shared/registry-messages';
import type { ComponentId as RoleComponentId } from '../roles/components';
import { componentInfo, explain } from '../roles/components';
import type { PodIdentity } from '../roles/role-classifier';
import { classifyPod } from '../roles/role-classifier';
import type { PodFacts } from './registry-model';
import { isPodReady } from './registry-model';
import { ISTIO_NAMESPACE } from '../../shared/istio-defaults';

/** The diagram's boxes per era, in drawing order: the legacy era has every component but istiod. */
export const DIAGRAM_COMPONENTS: Readonly<Record<IstioEra, readonly ComponentId[]>> = {
  legacy: COMPONENT_IDS.filter((id) => id !== 'istiod'),
  istiod: ['istiod', 'ingressgateway', 'egressgateway', 'sidecars', 'prometheus', 'grafana', 'kiali', 'tracing'],
};

/** Role components drawn as one box: every sidecar is "the sidecars", Zipkin sits in the tracing box. */
const DRAWN_AS: Partial<Record<RoleComponentId, ComponentId>> = { sidecar: 'sidecars', zipkin: 'tracing' };

function diagramComponent(role: RoleComponentId): ComponentId | undefined {
  const drawn = DRAWN_AS[role] ?? role;
  return (COMPONENT_IDS as readonly string[]).includes(drawn) ? (drawn as ComponentId) : undefined;
}

export interface ComponentState extends ComponentHealth {
  readonly title: string;
  /** One line on what it does, in the requested language. */
  readonly role: string;
}

/** Ready and existing pods per component of the era's diagram; a component without pods has desired 0 (missing). */
export function componentHealth(
  pods: readonly (PodFacts & PodIdentity)[],
  era: IstioEra,
  language: string,
  istioNamespace = ISTIO_NAMESPACE,
): ComponentState[] {
  const counts = new Map<ComponentId, { ready: number; desired: number }>();
  for (const pod of pods) {
    if (pod.deleting) continue;
    const id = diagramComponent(classifyPod(pod, { istioNamespace }).component);
    if (!id) continue;
    const count = counts.get(id) ?? { ready: 0, desired: 0 };
    count.desired++;
    if (isPodReady(pod)) count.ready++;
    counts.set(id, count);
  }
  return DIAGRAM_COMPONENTS[era].map((id) => {
    const roleId: RoleComponentId = id === 'sidecars' ? 'sidecar' : id;
    return {
      id,
      ...(counts.get(id) ?? { ready: 0, desired: 0 }),
      title: componentInfo(roleId).title,
      role: explain(roleId, language),
    };
  });
}

/** istiod when an istiod pod exists, else the 1.0–1.4 layout (the lab's release). */
export function guessEra(pods: readonly PodIdentity[], istioNamespace = ISTIO_NAMESPACE): IstioEra {
  return pods.some((pod) => classifyPod(pod, { istioNamespace }).component === 'istiod') ? 'istiod' : 'legacy';
}
