// Types of vscode-tests.mjs for the TypeScript tests that use it.
export declare const root: string;
export declare const launcher: string;
export declare const emptyExtension: string;
export declare function buildExtensionTests(): Promise<string>;

export interface ExtensionTestOutcome {
  readonly title: string;
  readonly state: 'passed' | 'failed';
  readonly duration?: number;
  readonly error?: string;
}
export interface ExtensionTestResult {
  readonly passed: number;
  readonly failed: number;
  readonly tests: ExtensionTestOutcome[];
  readonly metrics: Record<string, number>;
  readonly error?: string;
}
export declare function runExtensionTests(options?: {
  suite?: 'main' | 'bench' | 'failing' | 'installed' | 'ko';
  extensionDevelopmentPaths?: string[];
  installed?: string[];
  env?: Record<string, string>;
  locale?: string;
}): Promise<ExtensionTestResult | undefined>;
