// A lab workspace is a folder that `npm start` (or a learner) marks with `.istio-lab/workspace.json`.
// Opening such a folder activates the extension and, if the marker asks, opens the lab guide.

export const LAB_WORKSPACE_MARKER = '.istio-lab/workspace.json';

export interface LabWorkspace {
  /** Open the lab guide when the folder opens. */
  readonly openLabGuide: boolean;
}

/** Reads the marker leniently: an unreadable marker still marks a lab workspace, with defaults. */
export function parseLabWorkspace(text: string): LabWorkspace {
  try {
    const value: unknown = JSON.parse(text);
    const openLabGuide =
      typeof value === 'object' && value !== null && (value as Record<string, unknown>).openLabGuide === true;
    return { openLabGuide };
  } catch {
    return { openLabGuide: false };
  }
}
