// The page worth opening in a browser after a port-forward to a component: `/` of Pilot is a
// 404, its registry is what the lab reads. Pilot 1.0–1.4 answers `/v1/registration` on 8080
// (pilot/pkg/proxy/envoy/discovery.go); istiod's debug endpoints (8080 until 1.7, 15014 since)
// list the registry at `/debug/registryz`; the add-ons serve their UI at the root (Kiali under
// `/kiali`, its web_root in the 1.x add-on config).
import type { ComponentId } from './components';

/** The path to open on `port` of `component`; `/` when nothing better is known. */
export function browserPage(component: ComponentId, port: number): string {
  switch (component) {
    case 'pilot':
      return port === 8080 ? '/v1/registration' : '/';
    case 'istiod':
      return port === 15014 || port === 8080 ? '/debug/registryz' : '/';
    case 'kiali':
      return port === 20001 ? '/kiali' : '/';
    default:
      return '/';
  }
}
