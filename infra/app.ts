// The CDK app (cdk.json). Context flags: `-c kaiku:bundle=false` synthesises without esbuild (stub code,
// for a quick look at the templates; never deploy that), `-c kaiku:tracing=true` turns on X-Ray.
// CDK's feature flags are cdk.json's context (all at the values the installed aws-cdk-lib recommends, see
// test/infra/feature-flags.test.ts); addKaikuStacks applies them too when this runs without the CDK CLI.
import { App } from 'aws-cdk-lib';
import { addKaikuStacks } from './kaiku-app.ts';

const app = new App();
const flag = (name: string, fallback: boolean): boolean => {
  const value = app.node.tryGetContext(name);
  return value === undefined ? fallback : value === true || value === 'true';
};
addKaikuStacks(app, { bundle: flag('kaiku:bundle', true), tracing: flag('kaiku:tracing', false) });
app.synth();
