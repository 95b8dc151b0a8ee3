// Which printer the real server uses for each built-in resource, keyed like the sandbox's storage
// (`group/resource`, with the extensions and events.k8s.io aliases already folded in).
import { webhookConfigurationPrinter } from './admission';
import { apiServicePrinter } from './api-services';
import {
  componentStatusPrinter,
  eventPrinter,
  leasePrinter,
  namespacePrinter,
  nodePrinter,
  resourceQuotaPrinter,
} from './cluster';
import { configMapPrinter, secretPrinter, serviceAccountPrinter } from './config';
import {
  endpointSlicePrinter,
  endpointsPrinter,
  ingressClassPrinter,
  ingressPrinter,
  networkPolicyPrinter,
  servicePrinter,
} from './networking';
import { podPrinter, podTemplatePrinter } from './pods';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac';
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from './storage';
import type { Printer } from './table';
import {
  controllerRevisionPrinter,
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  horizontalPodAutoscalerPrinter,
  jobPrinter,
  podDisruptionBudgetPrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from './workloads';

export const BUILTIN_PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/componentstatuses', componentStatusPrinter],
  ['/configmaps', configMapPrinter],
  ['/endpoints', endpointsPrinter],
  ['/events', eventPrinter],
  ['/namespaces', namespacePrinter],
  ['/nodes', nodePrinter],
  ['/persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['/persistentvolumes', persistentVolumePrinter],
  ['/pods', podPrinter],
  ['/podtemplates', podTemplatePrinter],
  ['/replicationcontrollers', replicationControllerPrinter],
  ['/resourcequotas', resourceQuotaPrinter],
  ['/secrets', secretPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['/services', servicePrinter],
  ['admissionregistration.k8s.io/mutatingwebhookconfigurations', webhookConfigurationPrinter],
  ['apiregistration.k8s.io/apiservices', apiServicePrinter],
  ['admissionregistration.k8s.io/validatingwebhookconfigurations', webhookConfigurationPrinter],
  ['apps/controllerrevisions', controllerRevisionPrinter],
  ['apps/daemonsets', daemonSetPrinter],
  ['apps/deployments', deploymentPrinter],
  ['apps/replicasets', replicaSetPrinter],
  ['apps/statefulsets', statefulSetPrinter],
  ['autoscaling/horizontalpodautoscalers', horizontalPodAutoscalerPrinter],
  ['batch/cronjobs', cronJobPrinter],
  ['batch/jobs', jobPrinter],
  ['coordination.k8s.io/leases', leasePrinter],
  ['discovery.k8s.io/endpointslices', endpointSlicePrinter],
  ['networking.k8s.io/ingressclasses', ingressClassPrinter],
  ['networking.k8s.io/ingresses', ingressPrinter],
  ['networking.k8s.io/networkpolicies', networkPolicyPrinter],
  ['policy/poddisruptionbudgets', podDisruptionBudgetPrinter],
  ['rbac.authorization.k8s.io/clusterrolebindings', clusterRoleBindingPrinter],
  ['rbac.authorization.k8s.io/rolebindings', roleBindingPrinter],
  ['storage.k8s.io/storageclasses', storageClassPrinter],
]);
