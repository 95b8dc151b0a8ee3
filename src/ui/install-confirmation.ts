// The Install confirmation as a loop: Install, Preview (a server dry run whose report opens in an
// editor), or Cancel. A preview comes back to the question, with what it found, so a learner who
// looked first installs from the same dialog instead of starting the command again. No `vscode`
// here: the question and the preview are passed in, so node tests drive the loop with the answers
// a learner gives, and the command passes the real modal dialog and the real dry run.

export type InstallAnswer = 'install' | 'preview' | undefined;

/**
 * Asks until the answer is Install (true) or Cancel (false). `ask` gets what the last preview
 * found (undefined before the first); `preview` runs one and returns that line. A preview that
 * fails throws, and the command reports it like any other failure.
 */
export async function confirmInstall(
  ask: (lastPreview: string | undefined) => Promise<InstallAnswer>,
  preview: () => Promise<string>,
): Promise<boolean> {
  let lastPreview: string | undefined;
  for (;;) {
    const answer = await ask(lastPreview);
    if (answer === 'install') return true;
    if (answer !== 'preview') return false;
    lastPreview = await preview();
  }
}
