// Ids the thin activation and the features share (they are built into separate bundles).
export const PODS_VIEW_ID = 'istioLab.pods';
export const STEPS_VIEW_ID = 'istioLab.steps';
export const REGISTRY_VIEW_TYPE = 'istioLab.registry';
/** Commands the features register that package.json does not contribute (used between features and by tests). */
export const INTERNAL_COMMANDS = [
  'istioLab.markLabStep',
  'istioLab.labStepState',
  'istioLab.pods.reveal',
  'istioLab.pods.showError',
] as const;
