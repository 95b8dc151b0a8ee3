// The Kubernetes release the sandbox claims for each Istio release: the book's GKE 1.13 up to
// Istio 1.4, then the newest tested minor of each release's support table, capped at 1.32.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxKubeVersionFor } from '../../../src/istio/releases/sandbox-kubernetes';

describe('sandboxKubeVersionFor', () => {
  it("keeps the sandbox's default (GKE 1.13, the book's cluster) for Istio 1.0–1.4", () => {
    for (const version of ['1.0.0', '1.1.7', '1.2.2', '1.4.10'])
      assert.equal(sandboxKubeVersionFor(version), undefined, version);
  });

  it("picks the newest Kubernetes minor a later release was tested with (Istio 1.5's 1.16, 1.8's 1.19)", () => {
    assert.equal(sandboxKubeVersionFor('1.5.0'), 'v1.16.0');
    assert.equal(sandboxKubeVersionFor('1.6.14'), 'v1.18.0');
    assert.equal(sandboxKubeVersionFor('1.8.0'), 'v1.19.0');
    assert.equal(sandboxKubeVersionFor('1.26.1'), 'v1.32.0');
  });

  it('never claims a release newer than the sandbox serves, nor older than istioctl requires', () => {
    // Istio 1.28 was tested up to 1.34 and 1.30 up to 1.36: the sandbox knows up to 1.32.
    assert.equal(sandboxKubeVersionFor('1.28.0'), 'v1.32.0');
    assert.equal(sandboxKubeVersionFor('1.30.0'), 'v1.32.0');
    // Istio 1.10–1.12 list only a minimum (istioctl's 1.17): the newest the sandbox serves fits it.
    assert.equal(sandboxKubeVersionFor('1.11.0'), 'v1.32.0');
  });

  it('keeps the default for text that is not a release version', () => {
    assert.equal(sandboxKubeVersionFor('latest'), undefined);
    assert.equal(sandboxKubeVersionFor(''), undefined);
  });
});
