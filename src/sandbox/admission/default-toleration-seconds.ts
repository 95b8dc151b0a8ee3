// The DefaultTolerationSeconds admission plugin of kubernetes v1.13
// (plugin/pkg/admission/defaulttolerationseconds/admission.go): a pod that does not tolerate the
// node.kubernetes.io/not-ready or node.kubernetes.io/unreachable NoExecute taints (a toleration
// with that key or no key, and NoExecute or no effect) gets one for 300 seconds, so it is evicted
// five minutes after its node is lost. Create and update, never a subresource.
import { asList } from '../apimachinery/objects';
import type { AdmissionAttributes, AdmissionPlugin } from './admission';

export const DEFAULT_TOLERATION_SECONDS = 300;
const TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

export function defaultTolerationSeconds(): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    operations: ['CREATE', 'UPDATE'],
    admit({ req, object: pod }: AdmissionAttributes): void {
      if (req.type.kind !== 'Pod' || req.group !== '' || req.subresource) return;
      const spec = (pod.spec ??= {}) as Record<string, unknown>;
      const tolerations = asList(spec.tolerations);
      const added = TAINTS.filter(
        (key) =>
          !tolerations.some(
            (toleration) =>
              (toleration.key === key || !toleration.key) && (toleration.effect === 'NoExecute' || !toleration.effect),
          ),
      ).map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS }));
      if (added.length) spec.tolerations = [...tolerations, ...added];
    },
  };
}
