// After a port-forward, "Open in Browser" opens the page a component is worth opening at.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ComponentId } from '../../../src/istio/roles/components';
import { browserPage } from '../../../src/istio/roles/browser-page';

test('each component opens its useful page: the registry for Pilot and istiod, the UI root for the add-ons', () => {
  const cases: [ComponentId, number, string][] = [
    ['pilot', 8080, '/v1/registration'],
    ['pilot', 15010, '/'],
    ['istiod', 15014, '/debug/registryz'],
    ['istiod', 8080, '/debug/registryz'],
    ['istiod', 15012, '/'],
    ['grafana', 3000, '/'],
    ['prometheus', 9090, '/'],
    ['kiali', 20001, '/kiali'],
    ['citadel', 15014, '/'],
  ];
  for (const [component, port, page] of cases) assert.equal(browserPage(component, port), page, `${component}:${port}`);
});
