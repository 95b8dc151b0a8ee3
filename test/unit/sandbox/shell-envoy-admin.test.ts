// Envoy's admin port in pods with an istio-proxy container, through the simulated shell's curl:
// loopback only, /stats with Envoy's stat names and ?filter, /clusters from the Endpoints,
// /config_dump with admin.v2alpha types for Istio 1.2 and admin.v3 for 1.26, each saying it is simulated.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerFromPod } from '../../../src/sandbox/istio/simulated-containers';
import { sh, shellCluster, stderr, stdout } from './shell-fixture';

interface ConfigDump {
  configs: {
    '@type': string;
    bootstrap?: { node: { id: string; metadata: Record<string, unknown> } };
    dynamic_active_clusters?: { cluster: Record<string, unknown> }[];
  }[];
}

describe("Envoy's admin interface in a simulated istio-proxy", () => {
  test("/stats answers localhost:15000 from the app container with Envoy's names, after a comment saying it is simulated", () => {
    const { run, details } = shellCluster();
    const stats = stdout(run(details, ['curl', '-s', 'localhost:15000/stats']));
    assert.match(stats, /^# Simulated by Istio Lab's sandbox: /);
    assert.match(stats, /^cluster_manager\.cds\.update_success: \d+$/m);
    assert.match(stats, /^server\.live: 1$/m);
    const filtered = stdout(run(details, ['curl', '-s', 'localhost:15000/stats?filter=^listener_manager.lds']));
    assert.deepEqual(
      filtered
        .split('\n')
        .slice(1, -1)
        .map((line) => line.split(':')[0]),
      [
        'listener_manager.lds.update_attempt',
        'listener_manager.lds.update_failure',
        'listener_manager.lds.update_rejected',
        'listener_manager.lds.update_success',
      ],
    );
  });

  test("another pod and the API server's pod proxy are refused on 15000 (admin binds 127.0.0.1), and an unknown admin path is Envoy's 404", () => {
    const { run, client, details } = shellCluster();
    const remote = run(client, ['curl', '-sS', 'http://10.0.1.9:15000/stats']);
    assert.equal(remote.exitCode, 7);
    assert.match(stderr(remote), /Failed to connect to 10\.0\.1\.9 port 15000/);
    const viaApiServer = answerFromPod(details, 15000, {
      method: 'GET',
      path: '/stats',
      query: new URLSearchParams(),
      cluster: { services: [], endpoints: [], pods: [] },
    });
    assert.doesNotMatch(viaApiServer?.body ?? '', /server\.live/);
    assert.equal(
      stdout(run(details, sh('curl -s localhost:15000/nope -o /dev/null -w "%{http_code}"'), '', 'istio-proxy')),
      '404',
    );
  });

  test('/clusters lists outbound|9080||details with its endpoint; /ready says LIVE', () => {
    const { run, details } = shellCluster();
    const clusters = stdout(run(details, ['curl', '-s', 'localhost:15000/clusters']));
    assert.match(
      clusters,
      /^outbound\|9080\|\|details\.default\.svc\.cluster\.local::10\.0\.1\.9:9080::health_flags::healthy$/m,
    );
    assert.match(clusters, /^inbound\|9080\|http\|details\.default\.svc\.cluster\.local::added_via_api::true$/m);
    assert.equal(stdout(run(details, ['curl', '-s', 'localhost:15000/ready'])), 'LIVE\n');
  });

  test('/config_dump: v2alpha types for Istio 1.2, v3 (with typed inner resources) for 1.26; the node metadata says simulated', () => {
    const { run, details, modern } = shellCluster();
    const legacy = JSON.parse(stdout(run(details, ['curl', '-s', 'localhost:15000/config_dump']))) as ConfigDump;
    assert.deepEqual(
      legacy.configs.map((config) => config['@type'].replace('type.googleapis.com/', '')),
      [
        'envoy.admin.v2alpha.BootstrapConfigDump',
        'envoy.admin.v2alpha.ClustersConfigDump',
        'envoy.admin.v2alpha.ListenersConfigDump',
        'envoy.admin.v2alpha.RoutesConfigDump',
      ],
    );
    const node = legacy.configs[0].bootstrap!.node;
    assert.equal(node.id, 'sidecar~10.0.1.9~details-v1-5b4f8b7d9-abcde.default~default.svc.cluster.local');
    assert.match(String(node.metadata.ISTIO_LAB_SANDBOX), /^Simulated by Istio Lab's sandbox/);
    assert.equal(legacy.configs[1].dynamic_active_clusters?.[0].cluster['@type'], undefined);
    const current = JSON.parse(stdout(run(modern, ['curl', '-s', 'localhost:15000/config_dump']))) as ConfigDump;
    assert.equal(current.configs[0]['@type'], 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump');
    assert.equal(
      current.configs[1].dynamic_active_clusters?.[0].cluster['@type'],
      'type.googleapis.com/envoy.config.cluster.v3.Cluster',
    );
  });
});
