// The checks of a real 1.13 server's validation of built-in kinds that the sandbox makes: a subset
// chosen because it is certain, each a port of kubernetes v1.13.x, in the order upstream runs it
// (the order of the causes in the answer):
//   pkg/apis/core/validation/validation.go: ValidateObjectMeta (annotations' total size),
//     ValidatePodSpec/validateContainers (containers and their names required), ValidateService/
//     validateServicePort/ValidatePortNumOrName (ports required, names when several, 1–65535),
//     ValidateConfigMap (1 MiB of data in all);
//   pkg/apis/apps/validation/validation.go: ValidateDeploymentSpec, ValidateReplicaSetSpec,
//     ValidateStatefulSetSpec, ValidateDaemonSetSpec with ValidatePodTemplateSpecForReplicaSet
//     (replicas not negative, selector required and matching the template's labels, template's pod
//     spec, restartPolicy Always).
// Values of the wrong Go type never get here on create and update (decoding refuses them first);
// a patch can still bring one, and the checks then leave that field alone.
import { asJson, asList, selectorMatches } from '../apimachinery/objects';
import type { FieldError } from './field-error';
import { GoTyped, invalidValue, requiredValue, tooLong } from './field-error';

/** core.MaxSecretSize, the limit of a ConfigMap's data and binaryData together. */
export const MAX_CONFIG_MAP_BYTES = 1024 * 1024;
/** apimachinery's TotalAnnotationSizeLimitB: keys and values of all annotations together. */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

const WORKLOADS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'];
const WORKLOAD_GROUPS = ['apps', 'extensions'];

const byteLength = (text: unknown): number => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** ValidateObjectMeta's ValidateAnnotations, for every kind: the total size (names are left to the real server). */
export function validateObjectMeta(object: Record<string, unknown>): FieldError[] {
  const annotations = asJson(object.metadata).annotations;
  if (!isObject(annotations)) return [];
  const total = Object.entries(annotations).reduce((sum, [key, value]) => sum + byteLength(key) + byteLength(value), 0);
  return total > MAX_ANNOTATIONS_BYTES ? [tooLong('metadata.annotations', MAX_ANNOTATIONS_BYTES)] : [];
}

/** validateContainers: at least one container, each named. */
function validateContainers(podSpec: Record<string, unknown>, path: string): FieldError[] {
  const containers = podSpec.containers;
  if (!Array.isArray(containers) || containers.length === 0) return [requiredValue(`${path}.containers`)];
  return containers.flatMap((container, index) =>
    isObject(container) && !container.name ? [requiredValue(`${path}.containers[${index}].name`)] : [],
  );
}

/** ValidatePodTemplateSpecForReplicaSet (also the shape of the StatefulSet and DaemonSet checks). */
function validateTemplate(
  spec: Record<string, unknown>,
  path: string,
  checkMatch: boolean,
  checkPodSpec: boolean,
): FieldError[] {
  const template = asJson(spec.template);
  const labels = asJson(template.metadata).labels;
  const errors: FieldError[] = [];
  if (
    checkMatch &&
    !selectorMatches(spec.selector, isObject(labels) ? (labels as Record<string, string>) : undefined)
  ) {
    errors.push(
      invalidValue(
        `${path}.template.metadata.labels`,
        new GoTyped('map[string]string', isObject(labels) ? labels : null),
        '`selector` does not match template `labels`',
      ),
    );
  }
  const podSpec = asJson(template.spec);
  if (checkPodSpec) errors.push(...validateContainers(podSpec, `${path}.template.spec`));
  // RestartPolicy is defaulted to Always before validation; only another value gets here.
  if (typeof podSpec.restartPolicy === 'string' && podSpec.restartPolicy !== 'Always') {
    errors.push({
      type: 'FieldValueNotSupported',
      field: `${path}.template.spec.restartPolicy`,
      value: podSpec.restartPolicy,
      detail: 'supported values: "Always"',
    });
  }
  return errors;
}

/** Whether a selector can be converted (LabelSelectorAsSelector): known operators only. */
function isConvertible(selector: unknown): boolean {
  return asList(asJson(selector).matchExpressions).every((expression) =>
    ['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(String(expression.operator)),
  );
}

/** A nil selector converts to labels.Nothing(), which is not Empty() and matches no labels. */
function selectsByLabels(selector: unknown): boolean {
  if (selector === undefined || selector === null) return true;
  const { matchLabels, matchExpressions } = asJson(selector);
  return Object.keys(asJson(matchLabels)).length + asList(matchExpressions).length > 0;
}

function validateWorkloadSpec(kind: string, spec: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const path = 'spec';
  if (kind !== 'DaemonSet' && typeof spec.replicas === 'number' && spec.replicas < 0) {
    errors.push(invalidValue(`${path}.replicas`, spec.replicas, 'must be greater than or equal to 0'));
  }
  const selector = spec.selector;
  if (selector === undefined || selector === null) {
    errors.push(requiredValue(`${path}.selector`));
  }
  // The template is checked against the selector only when the selector converts; the empty
  // selector converts to Everything(), which every label set matches.
  // A StatefulSet's pod spec is not validated at 1.13 (ValidatePodTemplateSpecForStatefulSet's TODO).
  errors.push(
    ...validateTemplate(spec, path, isConvertible(selector) && selectsByLabels(selector), kind !== 'StatefulSet'),
  );
  return errors;
}

function validatePod(spec: Record<string, unknown>): FieldError[] {
  return validateContainers(spec, 'spec');
}

function validateService(spec: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const ports = spec.ports;
  const headless = spec.clusterIP === 'None';
  if ((!Array.isArray(ports) || ports.length === 0) && !headless && spec.type !== 'ExternalName')
    errors.push(requiredValue('spec.ports'));
  if (!Array.isArray(ports)) return errors;
  ports.forEach((port, index) => {
    if (!isObject(port)) return;
    const path = `spec.ports[${index}]`;
    if (ports.length > 1 && !port.name) errors.push(requiredValue(`${path}.name`));
    if (typeof port.port === 'number' && !isValidPortNumber(port.port))
      errors.push(invalidValue(`${path}.port`, port.port, PORT_RANGE));
    if (typeof port.targetPort === 'number' && !isValidPortNumber(port.targetPort))
      errors.push(invalidValue(`${path}.targetPort`, port.targetPort, PORT_RANGE));
  });
  return errors;
}

/** validation.IsValidPortNum's message (InclusiveRangeError). */
const PORT_RANGE = 'must be between 1 and 65535, inclusive';
const isValidPortNumber = (port: number): boolean => port >= 1 && port <= 65535;

function validateConfigMap(object: Record<string, unknown>): FieldError[] {
  let total = 0;
  for (const value of Object.values(asJson(object.data))) total += byteLength(value);
  // binaryData is base64 in JSON; its size is that of the decoded bytes.
  for (const value of Object.values(asJson(object.binaryData)))
    total += typeof value === 'string' ? Buffer.from(value, 'base64').length : 0;
  // field.NewPath("") prints as "[]".
  return total > MAX_CONFIG_MAP_BYTES ? [tooLong('[]', MAX_CONFIG_MAP_BYTES)] : [];
}

/**
 * The validation errors of a built-in object about to be stored, in upstream's order: metadata
 * first, then the kind's spec. Kinds the sandbox does not validate give none.
 */
export function validateBuiltin(group: string, kind: string, object: Record<string, unknown>): FieldError[] {
  const errors = validateObjectMeta(object);
  const spec = asJson(object.spec);
  if (WORKLOADS.includes(kind) && WORKLOAD_GROUPS.includes(group)) errors.push(...validateWorkloadSpec(kind, spec));
  else if (group === '' && kind === 'Pod') errors.push(...validatePod(spec));
  else if (group === '' && kind === 'Service') errors.push(...validateService(spec));
  else if (group === '' && kind === 'ConfigMap') errors.push(...validateConfigMap(object));
  return errors;
}
