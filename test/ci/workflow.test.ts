// The GitHub Actions pipeline (.github/workflows/pipeline.yml) cannot run here, so it is checked here:
// 1. it is YAML (the `yaml` package: syntax, duplicate keys);
// 2. it is a workflow: GitHub's own parser and schema (@actions/workflow-parser, what the Actions VS Code
//    extension uses) find unknown or missing keys, wrong values, unclosed expressions, needs naming a job
//    that does not exist and cycles among jobs;
// 3. it is this pipeline: test → synth → deploy dev → smoke test dev → (approval) → prod, AWS through
//    OIDC only, and every `npm run X`, `npm X` and `npx X` it names exists in package.json or
//    node_modules/.bin.
// The last tests feed broken copies to the same checks, so that a check that passes everything fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const workflowFile = path.join(root, '.github/workflows/pipeline.yml');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const cdkJson = JSON.parse(readFileSync(path.join(root, 'cdk.json'), 'utf8')) as {
  context?: Record<string, unknown>;
};

// @actions/workflow-parser imports its schema as `import schema from "./workflow-v1.0.min.json"`, which a
// bundler accepts and Node refuses without `with { type: 'json' }`: its JSON files are served as modules.
registerHooks({
  load(url, context, nextLoad) {
    if (url.includes('/@actions/workflow-parser/') && url.endsWith('.json'))
      return {
        format: 'module',
        source: `export default ${readFileSync(fileURLToPath(url), 'utf8')};`,
        shortCircuit: true,
      };
    return nextLoad(url, context);
  },
});
const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import(
  '@actions/workflow-parser'
);

/** npm's own commands the workflow may use without a script of that name. */
const npmCommands = new Set(['ci', 'install']);
/** npm commands that run the script of the same name. */
const npmScriptShortcuts = new Set(['test', 'start', 'stop', 'restart']);
/** The stages the app knows (cdk.json `kaiku:stages` once the stacks have stages). */
const stages = (() => {
  const configured = cdkJson.context?.['kaiku:stages'];
  return configured && typeof configured === 'object' ? Object.keys(configured) : ['dev', 'prod'];
})();

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = {
  needs?: string | string[];
  'runs-on'?: unknown;
  environment?: string | { name?: string };
  permissions?: string | Record<string, string>;
  steps?: Step[];
};
type Workflow = { on?: any; permissions?: string | Record<string, string>; jobs?: Record<string, Job> };

const needsOf = (job: Job) => (job.needs === undefined ? [] : [job.needs].flat());
const environmentOf = (job: Job) =>
  typeof job.environment === 'string' ? job.environment : job.environment?.name;
const runs = (job: Job) => (job.steps ?? []).flatMap((step) => (step.run ? [step.run] : []));
const usesAws = (job: Job) =>
  (job.steps ?? []).some((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));

/** Every job a job waits for, directly or through others. */
function upstream(jobs: Record<string, Job>, id: string, seen = new Set<string>()): Set<string> {
  for (const need of needsOf(jobs[id] ?? {}))
    if (!seen.has(need)) {
      seen.add(need);
      upstream(jobs, need, seen);
    }
  return seen;
}

/** Each shell command line of a run script, continuation lines joined. */
const commandLines = (script: string) =>
  script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .flatMap((line) => line.split(/&&|\|\||;|\||\$\(/))
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

/** What names a missing script or binary: `npm run X`, `npm X`, `npx X`. */
function commandProblems(script: string): string[] {
  const problems: string[] = [];
  for (const line of commandLines(script)) {
    for (const [, command] of line.matchAll(/\bnpm\s+(?:run(?:-script)?\s+)([\w:.-]+)/g))
      if (!packageJson.scripts[command!]) problems.push(`"${line}": package.json has no script ${command}`);
    for (const [, command] of line.matchAll(/\bnpm\s+(?!run\b|run-script\b)([\w-]+)/g)) {
      if (npmCommands.has(command!)) continue;
      if (npmScriptShortcuts.has(command!) && packageJson.scripts[command!]) continue;
      problems.push(`"${line}": npm ${command} is neither a script nor a command this pipeline expects`);
    }
    for (const [, binary] of line.matchAll(/\bnpx\s+(?:--?[\w-]+\s+)*([@\w./-]+)/g))
      if (!existsSync(path.join(root, 'node_modules/.bin', binary!)))
        problems.push(`"${line}": node_modules/.bin has no ${binary} (npx would download it)`);
  }
  return problems;
}

/**
 * Everything wrong with a workflow's text; [] when it is sound. `pipeline` adds the checks of the
 * delivery pipeline (its jobs and their order); the others hold for any workflow of this repository.
 */
async function workflowProblems(content: string, { pipeline = true } = {}): Promise<string[]> {
  const problems: string[] = [];

  // 1. YAML.
  const document = parseDocument(content, { uniqueKeys: true, prettyErrors: true });
  problems.push(...document.errors.map((error) => `YAML: ${error.message}`));
  problems.push(...document.warnings.map((warning) => `YAML: ${warning.message}`));
  if (document.errors.length > 0) return problems;
  const workflow = document.toJS() as Workflow;

  // 2. GitHub's workflow schema, then its conversion into jobs (needs, cycles).
  const parsed = parseWorkflow({ name: 'pipeline.yml', content }, new NoOperationTraceWriter());
  const schemaErrors = parsed.context.errors.getErrors().map((error) => error.message);
  problems.push(...schemaErrors.map((message) => `schema: ${message}`));
  if (schemaErrors.length === 0) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    problems.push(...(template.errors ?? []).map((error) => `jobs: ${error.Message}`));
  }

  // 3. Any workflow here: jobs with steps, pinned actions, existing commands, AWS through OIDC only.
  const jobs = workflow.jobs ?? {};
  if (Object.keys(jobs).length === 0) problems.push('jobs: none');
  const topPermissions = workflow.permissions;
  if (topPermissions === undefined || typeof topPermissions === 'string' || topPermissions['id-token'])
    problems.push('permissions: the workflow grants contents: read only; id-token: write only to AWS jobs');

  for (const [id, job] of Object.entries(jobs)) {
    const where = `jobs.${id}`;
    if (job['runs-on'] === undefined) problems.push(`${where}: no runs-on`);
    if (!job.steps || job.steps.length === 0) problems.push(`${where}: no steps`);
    for (const [index, step] of (job.steps ?? []).entries()) {
      if ((step.uses === undefined) === (step.run === undefined))
        problems.push(`${where}.steps[${index}]: needs exactly one of uses and run`);
      if (step.uses && !/^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(step.uses))
        problems.push(`${where}.steps[${index}]: ${step.uses} is not pinned to a version tag or commit`);
    }
    for (const need of needsOf(job))
      if (!jobs[need]) problems.push(`${where}.needs: ${need} is not a job of this workflow`);
    for (const script of runs(job)) problems.push(...commandProblems(script).map((p) => `${where}: ${p}`));

    // AWS: OIDC and a role, never stored keys; the id token only where AWS is used.
    const permissions = typeof job.permissions === 'object' ? job.permissions : {};
    const aws = usesAws(job);
    if (aws && permissions['id-token'] !== 'write')
      problems.push(`${where}: configures AWS credentials without permissions id-token: write (OIDC)`);
    if (!aws && permissions['id-token'] !== undefined)
      problems.push(`${where}: asks for an id token but does not use AWS`);
    for (const step of job.steps ?? []) {
      if (!step.uses?.startsWith('aws-actions/configure-aws-credentials@')) continue;
      if (!step.with?.['role-to-assume'])
        problems.push(`${where}: configure-aws-credentials without role-to-assume`);
      if (step.with?.['aws-access-key-id'] || step.with?.['aws-secret-access-key'])
        problems.push(`${where}: stored AWS keys; use OIDC (role-to-assume) only`);
    }
    const steps = job.steps ?? [];
    const firstAws = steps.findIndex((step) =>
      step.uses?.startsWith('aws-actions/configure-aws-credentials@'),
    );
    steps.forEach((step, index) => {
      if (step.run && /\bcdk\s+(diff|deploy|destroy)\b/.test(step.run) && (firstAws < 0 || index < firstAws))
        problems.push(`${where}: cdk diff/deploy before any AWS credentials`);
    });
    const scripts = runs(job).join('\n');
    for (const [, stage] of scripts.matchAll(/-c\s+stage=(\S+)/g))
      if (!stages.includes(stage!)) problems.push(`${where}: -c stage=${stage} is not a stage (${stages})`);
    // A job that deploys reads the outputs of the stacks of its own stage, not another's.
    const deployed = [...scripts.matchAll(/cdk\s+deploy\b.*-c\s+stage=(\w+)/g)].map((match) => match[1]);
    for (const [, stage] of scripts.matchAll(/Kaiku-(\w+)-\w+/g))
      if (deployed.length > 0 && !deployed.includes(stage))
        problems.push(`${where}: reads the stack outputs of ${stage} but deploys ${deployed}`);
    if (/\$\{\{\s*secrets\./.test(JSON.stringify(job)) && !environmentOf(job))
      problems.push(`${where}: reads a secret outside an environment (keep secrets per environment)`);
  }

  if (!pipeline) return problems;

  // The pipeline: on push to main; tested and synthesised before dev, dev smoke-tested before prod, prod
  // approved.
  const on = workflow.on ?? {};
  if (!on.push?.branches?.includes('main')) problems.push('on: must run on push to main');
  const jobRunning = (pattern: RegExp) =>
    Object.keys(jobs).filter((id) => runs(jobs[id]!).some((script) => pattern.test(script)));
  const expectOne = (what: string, ids: string[]) => {
    if (ids.length !== 1) problems.push(`${what}: expected in one job, found in ${ids.length} (${ids})`);
    return ids[0];
  };
  const test = expectOne('npm test', jobRunning(/^\s*npm test\b/m));
  const synth = expectOne('cdk synth', jobRunning(/\bcdk synth\b/));
  const deployDev = expectOne(
    'npx cdk deploy --all -c stage=dev --require-approval never',
    jobRunning(/\bnpx cdk deploy --all -c stage=dev --require-approval never\b/),
  );
  const smoke = expectOne('npm run test:deployed', jobRunning(/\bnpm run test:deployed\b/));
  const deployProd = expectOne(
    'npx cdk deploy --all -c stage=prod --require-approval never',
    jobRunning(/\bnpx cdk deploy --all -c stage=prod --require-approval never\b/),
  );
  for (const stage of ['dev', 'prod'])
    if (!jobRunning(new RegExp(`\\bnpx cdk synth -c stage=${stage}\\b`)).length)
      problems.push(`npx cdk synth -c stage=${stage}: missing`);
  for (const stage of ['dev', 'prod'])
    if (!jobRunning(new RegExp(`\\bnpx cdk diff\\b.*-c stage=${stage}\\b`)).length)
      problems.push(`npx cdk diff -c stage=${stage}: missing`);
  const waits = (job: string | undefined, ...before: (string | undefined)[]) => {
    if (!job) return;
    const all = upstream(jobs, job);
    for (const other of before)
      if (other && !all.has(other)) problems.push(`jobs.${job}: must wait for ${other} (needs)`);
  };
  waits(synth, test);
  waits(deployDev, test, synth);
  waits(smoke, deployDev);
  waits(deployProd, test, synth, deployDev, smoke);
  if (test) {
    const java = jobs[test]!.steps?.find((step) => step.uses?.startsWith('actions/setup-java@'));
    if (!java || Number(java.with?.['java-version']) < 17)
      problems.push(`jobs.${test}: DynamoDB Local needs Java 17 (actions/setup-java, java-version 17)`);
    if (!runs(jobs[test]!).some((script) => /^\s*npm ci\b/m.test(script)))
      problems.push(`jobs.${test}: npm ci`);
  }
  if (smoke) {
    const step = jobs[smoke]!.steps?.find((candidate) => candidate.run?.includes('test:deployed'));
    for (const name of ['KAIKU_URL', 'KAIKU_ADMIN_KEY'])
      if (!step?.env?.[name]) problems.push(`jobs.${smoke}: npm run test:deployed without ${name}`);
    if (environmentOf(jobs[smoke]!) === 'production') problems.push(`jobs.${smoke}: never smoke-test prod`);
  }
  if (deployProd && environmentOf(jobs[deployProd]!) !== 'production')
    problems.push(`jobs.${deployProd}: must run in the environment production (its required reviewers)`);
  if (deployDev && environmentOf(jobs[deployDev]!) === 'production')
    problems.push(`jobs.${deployDev}: dev is deployed outside the production environment`);
  return problems;
}

const pipeline = readFileSync(workflowFile, 'utf8');

describe('.github/workflows/pipeline.yml', () => {
  it('is YAML, a GitHub Actions workflow, and the pipeline of the issue', async () => {
    expect(await workflowProblems(pipeline)).toEqual([]);
  });

  it('says where the production approval is configured', () => {
    expect(pipeline).toMatch(/required reviewers, set in the\s+#\s+repository settings/);
  });

  it('is not the only workflow checked: every other one passes the checks that hold for all', async () => {
    const others = readdirSync(path.dirname(workflowFile)).filter(
      (name) => /\.ya?ml$/.test(name) && name !== 'pipeline.yml',
    );
    for (const name of others) {
      const content = readFileSync(path.join(path.dirname(workflowFile), name), 'utf8');
      expect(await workflowProblems(content, { pipeline: false }), name).toEqual([]);
    }
  });
});

describe('the checks themselves catch', () => {
  const broken = async (from: string | RegExp, to: string) => {
    const changed = pipeline.replace(from, to);
    expect(changed).not.toBe(pipeline);
    return (await workflowProblems(changed)).join('\n');
  };

  it('invalid YAML and duplicate keys', async () => {
    expect(await broken('jobs:\n', 'jobs:\n  test: [\n')).toMatch(/^YAML: /m);
    expect(
      await broken('permissions:\n  contents: read\n', 'permissions:\n  contents: read\n  contents: read\n'),
    ).toMatch(/YAML: .*unique/i);
  });

  it('what the workflow schema forbids', async () => {
    expect(await broken('    runs-on: ubuntu-latest\n', '    run-on: ubuntu-latest\n')).toMatch(
      /schema: .*Unexpected value 'run-on'/,
    );
    expect(
      await broken('      - run: npm test\n', '      - run: npm test\n        uses: actions/cache@v4\n'),
    ).toMatch(/schema: .*Unexpected value 'uses'/);
    expect(await broken(/^ {6}id-token: write$/m, '      id-token: writ')).toMatch(/schema: .*'writ'/);
    expect(await broken('secrets.KAIKU_ADMIN_KEY }}', 'secrets.KAIKU_ADMIN_KEY }')).toMatch(
      /schema: .*not closed/,
    );
  });

  it('needs naming a missing job, and cycles', async () => {
    expect(await broken('needs: [smoke-dev, diff-prod]', 'needs: [smoke-dev, diff-prd]')).toMatch(
      /unknown job 'diff-prd'/,
    );
    expect(await broken(/^ {4}needs: test$/m, '    needs: deploy-prod')).toMatch(/cycle/);
  });

  it('prod without the smoke test of dev before it', async () => {
    expect(await broken('needs: [smoke-dev, diff-prod]', 'needs: [diff-prod]')).toMatch(
      /deploy-prod: must wait for smoke-dev/,
    );
  });

  it('AWS without OIDC', async () => {
    const problems = await broken(/ {6}id-token: write\n/, '');
    expect(problems).toMatch(/without permissions id-token: write/);
  });

  it('a script or a binary that does not exist', async () => {
    expect(await broken('npm run test:deployed\n', 'npm run test:deploy\n')).toMatch(
      /no script test:deploy\b/,
    );
    expect(await broken('npx cdk synth -c stage=dev', 'npx cdx synth -c stage=dev')).toMatch(
      /node_modules\/.bin has no cdx/,
    );
    expect(await broken('-c stage=prod -q', '-c stage=production -q')).toMatch(
      /stage=production is not a stage/,
    );
  });

  it("a deploy reading another stage's outputs", async () => {
    expect(await broken("['Kaiku-prod-Api']", "['Kaiku-dev-Api']")).toMatch(
      /reads the stack outputs of dev but deploys prod/,
    );
  });

  it('production approval missing', async () => {
    expect(await broken('      name: production\n', '      name: prod\n')).toMatch(
      /must run in the environment production/,
    );
  });
});

describe('the deployed smoke test (npm run test:deployed)', () => {
  it('is never collected by npm test', async () => {
    const { default: config } = await import('../../vitest.config.ts');
    const include = (config as { test: { include: string[] } }).test.include;
    const files = readdirSync(path.join(root, 'test/deployed')).map((name) => `test/deployed/${name}`);
    expect(files).toContain('test/deployed/smoke.deployed.ts');
    for (const file of files) for (const glob of include) expect(path.matchesGlob(file, glob)).toBe(false);
  });

  it('refuses to run without KAIKU_URL and KAIKU_ADMIN_KEY instead of passing by skipping', () => {
    const { KAIKU_URL: _url, KAIKU_ADMIN_KEY: _key, ...env } = process.env;
    const run = spawnSync(
      path.join(root, 'node_modules/.bin/vitest'),
      ['run', '--config', 'test/deployed/vitest.config.ts'],
      { cwd: root, env, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/test:deployed needs KAIKU_URL and KAIKU_ADMIN_KEY/);
  });
});
