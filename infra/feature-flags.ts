// cdk.json's context (CDK's feature flags, at the values recommended by the installed aws-cdk-lib) is the
// one place they are set. `cdk synth` and `cdk deploy` hand it to the app; an app made by `new App()`
// elsewhere (the template tests, the local runtime's roles) gets it from addKaikuStacks through this.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { projectRoot } from './paths.ts';

/** The `context` object of cdk.json, read when this module loads. */
export const cdkJsonContext: Readonly<Record<string, unknown>> = JSON.parse(
  readFileSync(join(projectRoot, 'cdk.json'), 'utf8'),
).context;

/**
 * Sets on the app every context value of cdk.json that it does not have yet: a value the app was given
 * (by the CLI, `-c`, or `new App({ context })`) stays. Feature flags are read as constructs are made, so
 * this must come before the first one; CDK refuses it after.
 */
export function applyCdkJsonContext(app: App): void {
  const missing = Object.entries(cdkJsonContext).filter(([key]) => app.node.tryGetContext(key) === undefined);
  if (missing.length === 0) return;
  if (app.node.children.length > 0) {
    throw new Error(
      `the app already has constructs (${app.node.children.map((child) => child.node.id).join(', ')}): ` +
        "cdk.json's context must be set before any, so build the stacks on a fresh App",
    );
  }
  for (const [key, value] of missing) app.node.setContext(key, value);
}
