// Services and the objects that route to them: services, endpoints, endpoint slices, ingresses,
// ingress classes and network policies (printers.go, v1.32).
import type { KubeObject } from '../apimachinery/kube-object';
import { namedPrinter } from './common';
import { DOC } from './descriptions';
import { formatLabelSelector, formatLabels, listWithMore, sortedSet } from './format';
import { column } from './table';
import { asArray, asInt, asObject, asObjects, asString, at, isSet } from './values';

/**
 * loadBalancerStatusStringer with wide=true: server-side printing always renders the wide form,
 * so the 16-character clipping of client-side printing never happens here.
 */
function loadBalancerIngress(status: unknown): string {
  const addresses: string[] = [];
  for (const ingress of asObjects(at(status, 'loadBalancer', 'ingress'))) {
    if (asString(ingress.ip)) addresses.push(asString(ingress.ip));
    else if (asString(ingress.hostname)) addresses.push(asString(ingress.hostname));
  }
  return sortedSet(addresses).join(',');
}

function serviceExternalIP(service: KubeObject): string {
  const spec = asObject(service.spec);
  const externalIPs = asArray(spec.externalIPs).map(asString);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lbIps = loadBalancerIngress(service.status);
      if (externalIPs.length) return [...(lbIps ? lbIps.split(',') : []), ...externalIPs].join(',');
      return lbIps || '<pending>';
    }
    case 'ExternalName':
      return asString(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** makePortString: `80/TCP`, or `80:31380/TCP` when a node port is allocated. */
export function makePortString(ports: unknown): string {
  return asObjects(ports)
    .map((port) => {
      const nodePort = asInt(port.nodePort);
      return nodePort > 0
        ? `${asInt(port.port)}:${nodePort}/${asString(port.protocol)}`
        : `${asInt(port.port)}/${asString(port.protocol)}`;
    })
    .join(',');
}

export const servicePrinter = namedPrinter({
  columns: [
    column('Type', 'string', DOC.serviceType),
    column('Cluster-IP', 'string', DOC.clusterIP),
    column('External-IP', 'string', DOC.externalIPs),
    column('Port(s)', 'string', DOC.servicePorts),
  ],
  afterAge: [column('Selector', 'string', DOC.serviceSelector, { priority: 1 })],
  cells(object) {
    const spec = asObject(object.spec);
    // The v1 → internal conversion fills clusterIPs from clusterIP when only the latter is set.
    const clusterIPs = asArray(spec.clusterIPs).map(asString);
    const internalIP = clusterIPs.length ? clusterIPs[0] : asString(spec.clusterIP) || '<none>';
    const ports = makePortString(spec.ports) || '<none>';
    return [asString(spec.type), internalIP, serviceExternalIP(object), ports, formatLabels(spec.selector)];
  },
});

/** net.JoinHostPort. */
const joinHostPort = (host: string, port: number): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

/** formatEndpoints with ports=nil: the first three addresses, then "+ N more...". */
export function formatEndpoints(endpoints: KubeObject): string {
  const subsets = asObjects(endpoints.subsets);
  if (!subsets.length) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const subset of subsets) {
    const addresses = asObjects(subset.addresses);
    const ports = asObjects(subset.ports);
    if (!ports.length) {
      // Headless services may have no ports.
      count += addresses.length;
      for (const address of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(asString(address.ip));
      }
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const address of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(asString(address.ip), asInt(port.port)));
      }
    }
  }
  const text = list.join(',');
  return more ? `${text} + ${count - max} more...` : text;
}

export const endpointsPrinter = namedPrinter({
  columns: [column('Endpoints', 'string', DOC.endpointsSubsets)],
  cells: (object) => [formatEndpoints(object)],
});

export const endpointSlicePrinter = namedPrinter({
  columns: [
    column('AddressType', 'string', DOC.addressType),
    column('Ports', 'string', DOC.slicePorts),
    column('Endpoints', 'string', DOC.sliceEndpoints),
  ],
  cells(object) {
    const ports = asObjects(object.ports).map((port) => {
      if (isSet(port.port)) return String(asInt(port.port));
      if (isSet(port.name)) return asString(port.name);
      return '*';
    });
    const addresses = asObjects(object.endpoints).flatMap((endpoint) => asArray(endpoint.addresses).map(asString));
    return [asString(object.addressType), listWithMore(ports), listWithMore(addresses)];
  },
});

/** formatHosts: up to three hosts, `*` when no rule names one. */
function formatHosts(rules: unknown): string {
  const list: string[] = [];
  const all = asObjects(rules);
  const max = 3;
  let more = false;
  for (const rule of all) {
    if (list.length === max) more = true;
    if (!more && asString(rule.host)) list.push(asString(rule.host));
  }
  if (!list.length) return '*';
  const text = list.join(',');
  return more ? `${text} + ${all.length - max} more...` : text;
}

export const ingressPrinter = namedPrinter({
  columns: [
    column('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
    column('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
    column('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
    column('Ports', 'string', 'Ports of TLS configurations that open'),
  ],
  cells(object) {
    const spec = asObject(object.spec);
    const className = typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>';
    const ports = asArray(spec.tls).length ? '80, 443' : '80';
    return [className, formatHosts(spec.rules), loadBalancerIngress(object.status), ports];
  },
});

export const ingressClassPrinter = namedPrinter({
  columns: [
    column('Controller', 'string', 'Controller that is responsible for handling this class'),
    column('Parameters', 'string', 'A reference to a resource with additional parameters'),
  ],
  cells(object) {
    const spec = asObject(object.spec);
    let parameters = '<none>';
    if (isSet(spec.parameters)) {
      const reference = asObject(spec.parameters);
      parameters = asString(reference.kind);
      if (isSet(reference.apiGroup)) parameters += `.${asString(reference.apiGroup)}`;
      parameters += `/${asString(reference.name)}`;
    }
    return [asString(spec.controller), parameters];
  },
});

export const networkPolicyPrinter = namedPrinter({
  columns: [column('Pod-Selector', 'string', DOC.networkPolicyPodSelector)],
  cells: (object) => [formatLabelSelector(at(object, 'spec', 'podSelector') ?? {})],
});
