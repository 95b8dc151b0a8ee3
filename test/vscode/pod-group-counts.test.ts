// The Istio Pods view's data-plane group row counts its pods and namespaces in words that agree
// with the numbers: "6 pods in 1 namespace", never "1 namespaces" (the row as VS Code gets it from
// src/ui/pod-tree-items.ts).
import * as assert from 'node:assert/strict';
import type { GroupNode } from '../../src/istio/pod-tree-model';
import { renderNode } from '../../src/ui/pod-tree-items';

function sidecarGroup(pods: number, namespaces: number): GroupNode {
  return {
    kind: 'group',
    id: 'group:sidecars',
    children: [],
    group: 'sidecars',
    pods,
    namespaces,
    health: { ready: pods, total: pods },
    completed: 0,
    singleReplicas: 0,
  };
}

describe('the data-plane group row of the Istio Pods view', () => {
  const description = (pods: number, namespaces: number) =>
    renderNode(sidecarGroup(pods, namespaces), 'istio-system').description;

  it('says "namespace" for one namespace and "pod" for one pod', () => {
    assert.equal(description(6, 1), '6 pods in 1 namespace · 6/6 ready');
    assert.equal(description(1, 1), '1 pod in 1 namespace · 1/1 ready');
  });

  it('keeps the plural for several namespaces', () => {
    assert.equal(description(8, 2), '8 pods in 2 namespaces · 8/8 ready');
  });
});
