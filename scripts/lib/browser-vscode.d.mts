// Types of the parts of browser-vscode.mjs the TypeScript tests use (the webview tests' Chromium).
export declare const CHROMIUM_ARGS: readonly string[];
/** CHROMIUM_PATH, else chromium, chromium-browser or google-chrome on PATH; throws a SetupError saying how to install it. */
export declare function findChromium(): string;
