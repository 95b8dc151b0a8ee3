// The Istio facts and lab defaults every layer agrees on, written once: the namespace Istio is
// installed in unless the learner's setting (`istioLab.namespace`) says otherwise, and the release
// the book's lab uses. In src/shared because the webview's bundle needs the namespace too; the
// sandbox keeps its own data (it simulates a cluster and stands alone).

/** The namespace Istio installs its control plane into by default (istioctl's and the demo manifest's). */
export const ISTIO_NAMESPACE = 'istio-system';

/** The Istio release "Istio in Action" ch. 2 installs, and the lab's default (`istioLab.istioVersion`). */
export const LAB_ISTIO_VERSION = '1.2.2';
