// What a learner would type for the registry the panel shows, for the release that serves it:
// the book's `kubectl run … curl` for Pilot (1.0–1.4), a port-forward to istiod's debug port
// (8080 in 1.5–1.7, 15014 from 1.8: pilot/pkg/bootstrap/server.go, InitDebug on httpMux, then
// monitoringMux), and `istioctl x internal-debug registryz` only where istioctl has it (1.10+).
import * as semver from 'semver';
import type { EquivalentCommand, IstioEra } from '../../shared/registry-messages';
import { ISTIO_NAMESPACE } from '../../shared/istio-defaults';
import { istioctlHas } from '../releases/istioctl-commands';

export interface RegistryEndpoint {
  readonly era: IstioEra;
  readonly namespace: string;
  readonly service: string;
  readonly port: number;
}

/** The port istiod serves `/debug/*` on in release `version` (15014 when the version is unknown). */
export function istiodDebugPort(version: string | undefined): number {
  const parsed = version ? semver.coerce(version) : null;
  return parsed && semver.lt(parsed, '1.8.0') ? 8080 : 15014;
}

/**
 * The commands for `target` (the book's first). `istioVersion`: the release running on the cluster,
 * or the lab's when none is detected; it decides which istioctl and which debug port exist.
 */
export function equivalentCommands(
  target: RegistryEndpoint,
  istioVersion: string | undefined,
  context?: string,
): EquivalentCommand[] {
  const ctx = context ? ` --context ${context}` : '';
  if (target.era === 'legacy') {
    return [
      // The book's command, as the lab guide shows it.
      {
        label: 'commandCurlPod',
        command: `kubectl${ctx} run -i --rm --restart=Never dummy --image=tutum/curl:alpine -n ${target.namespace} --command -- curl -v 'http://${target.service}.${target.namespace}:${target.port}/v1/registration'`,
      },
      {
        label: 'commandGetRaw',
        command: `kubectl${ctx} get --raw /api/v1/namespaces/${target.namespace}/services/http:${target.service}:${target.port}/proxy/v1/registration`,
      },
    ];
  }
  const port = istiodDebugPort(istioVersion);
  const commands: EquivalentCommand[] = [
    {
      label: 'commandPortForward',
      command: `kubectl${ctx} -n ${target.namespace} port-forward deploy/${target.service} ${port}:${port} & curl -s localhost:${port}/debug/registryz`,
    },
  ];
  if (istioVersion && istioctlHas(istioVersion, 'x internal-debug'))
    commands.push({ label: 'commandIstioctl', command: `istioctl${ctx} x internal-debug registryz` });
  return commands;
}

/** `istioctl proxy-status`, the terminal's Proxies table in every release (1.0+); `-i` when Istio is not in istio-system. */
export function proxyStatusCommand(istioNamespace: string, context?: string): string {
  return `istioctl${context ? ` --context ${context}` : ''} proxy-status${istioNamespace === ISTIO_NAMESPACE ? '' : ` -i ${istioNamespace}`}`;
}
