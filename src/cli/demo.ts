import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../core/errors.js';
import type { ActionEnvironment } from '../actions/runtime/host.js';
import { withDefaults, type InputReader, type InputSpecs } from '../actions/runtime/inputs.js';
import { INPUTS as DRIFT_CHECK_INPUTS } from '../actions/drift-check/inputs.js';
import { driftCheck } from '../actions/drift-check/run.js';
import { INPUTS as PR_COMMENT_INPUTS } from '../actions/pr-comment/inputs.js';
import { prComment } from '../actions/pr-comment/run.js';
import type { EvalReport } from '../core/documents.js';
import { INPUTS as EVALUATE_INPUTS } from '../actions/evaluate/inputs.js';
import { evaluate } from '../actions/evaluate/run.js';
import { INPUTS as RELEASE_INPUTS } from '../actions/release/inputs.js';
import { release } from '../actions/release/run.js';
import { INPUTS as TRAIN_INPUTS } from '../actions/train/inputs.js';
import { train } from '../actions/train/run.js';
import { INPUTS as VALIDATE_DATA_INPUTS } from '../actions/validate-data/inputs.js';
import { validateData } from '../actions/validate-data/run.js';
import { cliInputReader } from './args.js';
import { INFER_CONTRACT_INPUTS, inferContractCommand } from './infer-contract.js';

export const DEMO_INPUTS = {
  'out-dir': { description: 'Folder the demo writes its data and reports to.', default: 'out/demo' },
} satisfies InputSpecs;

/**
 * Seattle's daily weather 2012-2015 (1,461 rows) from the vega-datasets package: the build copies it beside the
 * example trainer's bundle, so an installed copy of mlgate has it; a run from the sources reads the package itself.
 */
function weatherData(): string {
  const bundled = fileURLToPath(new URL('../example-weather/seattle-weather.csv', import.meta.url));
  if (existsSync(bundled)) return bundled;
  let path: string;
  try {
    // The package exports only its build/ entry; its data/ folder sits beside build/.
    path = join(dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data', 'seattle-weather.csv');
  } catch {
    throw new ConfigurationError(
      `the demo data is missing (${bundled}); reinstall mlgate, or run npm ci and npm run build in a clone`,
    );
  }
  if (!existsSync(path)) throw new ConfigurationError(`the demo data is missing (${path}); reinstall with npm ci`);
  return path;
}

/** The example trainer's bundle, beside the CLI's in dist/ (see scripts/build.mjs). */
function trainerScript(): string {
  const path = fileURLToPath(new URL('../example-weather/train.js', import.meta.url));
  if (!existsSync(path)) throw new ConfigurationError(`the example trainer is missing (${path}); run npm run build`);
  return path;
}

/**
 * Runs the whole mlgate loop on a real dataset, with no network and no Python: 2012-2013 train two models (a linear
 * baseline and a small network), 2014 evaluates them, 2012-2014 are the reference data and 2015 the new data. Each
 * stage is the same code the actions run; the demo prints where every document is.
 */
export async function demo(env: ActionEnvironment): Promise<void> {
  const { host } = env;
  const out = resolve(env.cwd, withDefaults(env.inputs, DEMO_INPUTS).get('out-dir'));
  const shown = (path: string) => relative(env.cwd, path) || '.';
  const started = Date.now();
  await mkdir(join(out, 'data'), { recursive: true });
  const total = 9;
  const stage = (n: number, text: string) => host.info(`${n}/${total} ${text}`);

  stage(
    1,
    'data: Seattle weather 2012-2015 (vega-datasets): train 2012-2013, test 2014, reference 2012-2014, current 2015',
  );
  const [header, ...rows] = (await readFile(weatherData(), 'utf8')).trim().split('\n');
  const years = (...prefixes: string[]) =>
    `${header}\n${rows.filter((r) => prefixes.some((p) => r.startsWith(p))).join('\n')}\n`;
  const data = {
    train: join(out, 'data', 'train.csv'),
    test: join(out, 'data', 'test.csv'),
    reference: join(out, 'data', 'reference.csv'),
    current: join(out, 'data', 'current.csv'),
  };
  await writeFile(data.train, years('2012', '2013'));
  await writeFile(data.test, years('2014'));
  await writeFile(data.reference, years('2012', '2013', '2014'));
  await writeFile(data.current, years('2015'));

  const quiet = {
    ...env,
    host: { ...host, print: () => {}, group: <T>(_: string, fn: () => Promise<T>) => fn(), info: () => {} },
  };
  // A failed check is shown, as a pull request would show it, and the demo goes on.
  const shownFailure = {
    ...quiet,
    host: {
      ...quiet.host,
      fail: (message: string) => host.info(`  the check failed, as a pull request would: ${message}`),
    },
  };
  const contract = join(out, 'contract.yml');
  stage(2, 'infer-contract: a contract drafted from the reference years');
  await inferContractCommand({
    ...quiet,
    inputs: fixedInputs(INFER_CONTRACT_INPUTS, { data: shown(data.reference), output: shown(contract) }),
  });

  const reports = join(out, 'mlgate-reports');
  stage(3, 'validate-data: 2015 checked against the contract, and profiled');
  await validateData({
    ...shownFailure,
    inputs: fixedInputs(VALIDATE_DATA_INPUTS, {
      data: shown(data.current),
      contract: shown(contract),
      report: shown(join(reports, 'validation-report.json')),
      profile: shown(join(reports, 'profile.json')),
    }),
  });

  const models = join(out, 'models');
  const trainer = trainerScript();
  for (const [n, name, hidden] of [
    [4, 'baseline', '0'],
    [5, 'candidate', '16'],
  ] as const) {
    stage(
      n,
      `train: the ${name} (${hidden === '0' ? 'a linear model' : 'a network with 16 hidden units'}) by the example trainer, through the train step`,
    );
    await train({
      ...quiet,
      inputs: fixedInputs(TRAIN_INPUTS, {
        command: `"${process.execPath}" "${trainer}" --data "${data.train}" --model "${join(models, `${name}.onnx`)}" --metrics "${join(models, `${name}-metrics.json`)}" --hidden ${hidden}`,
        'require-gpu': 'false',
        'metrics-file': shown(join(models, `${name}-metrics.json`)),
        'model-path': shown(join(models, `${name}.onnx`)),
        report: shown(join(name === 'candidate' ? reports : models, 'train-report.json')),
      }),
    });
  }

  stage(6, 'evaluate: the candidate against the baseline on 2014, with bootstrap intervals and the gate');
  await evaluate({
    ...shownFailure,
    inputs: fixedInputs(EVALUATE_INPUTS, {
      model: shown(join(models, 'candidate.onnx')),
      baseline: shown(join(models, 'baseline.onnx')),
      data: shown(data.test),
      label: 'weather',
      report: shown(join(reports, 'eval-report.json')),
    }),
  });

  stage(7, 'drift-check: 2015 against the reference years, feature by feature');
  await driftCheck({
    ...quiet,
    inputs: fixedInputs(DRIFT_CHECK_INPUTS, {
      reference: shown(data.reference),
      current: shown(data.current),
      columns: 'precipitation, temp_max, temp_min, wind, weather',
      label: 'weather',
      report: shown(join(reports, 'drift-report.json')),
    }),
  });

  stage(8, 'pr-comment: the pull-request comment built from the reports');
  const comment = join(out, 'pr-comment.md');
  await prComment({
    ...quiet,
    context: { ...env.context, eventName: undefined, payload: {}, owner: undefined, repo: undefined },
    inputs: fixedInputs(PR_COMMENT_INPUTS, {
      reports: `${shown(reports)}/*-report.json`,
      output: shown(comment),
      summary: 'false',
    }),
  });

  stage(9, 'release: the approved candidate as a release, written to a folder (a dry run)');
  const released = join(out, 'release');
  await release({
    ...shownFailure,
    context: { ...env.context, owner: undefined, repo: undefined },
    inputs: fixedInputs(RELEASE_INPUTS, {
      model: shown(join(models, 'candidate.onnx')),
      'eval-report': shown(join(reports, 'eval-report.json')),
      contract: shown(contract),
      profile: shown(join(reports, 'profile.json')),
      version: '1.0.0',
      'github-token': '',
      'dry-run': shown(released),
    }),
  });

  const evaluation = JSON.parse(await readFile(join(reports, 'eval-report.json'), 'utf8')) as EvalReport;
  const accuracy = (m: EvalReport['candidate'] | null) => m?.metrics.accuracy?.value?.toFixed(3) ?? 'n/a';
  host.print(
    [
      `mlgate demo finished in ${((Date.now() - started) / 1000).toFixed(1)}s: candidate accuracy ${accuracy(evaluation.candidate)} against ${accuracy(evaluation.baseline)} for the baseline, gate ${evaluation.gate.passed ? 'passed' : 'failed'}`,
      `  data        ${shown(join(out, 'data'))}/{train,test,reference,current}.csv`,
      `  contract    ${shown(contract)}`,
      `  validation  ${shown(join(reports, 'validation-report.json'))}`,
      `  profile     ${shown(join(reports, 'profile.json'))}`,
      `  models      ${shown(join(models, 'baseline.onnx'))}, ${shown(join(models, 'candidate.onnx'))}`,
      `  training    ${shown(join(reports, 'train-report.json'))}`,
      `  evaluation  ${shown(join(reports, 'eval-report.json'))}`,
      `  drift       ${shown(join(reports, 'drift-report.json'))}`,
      `  comment     ${shown(comment)}`,
      `  release     ${shown(released)}/ (model, model card, reports, contract, profile, SHA256SUMS)`,
    ].join('\n'),
  );
}

/** A stage's inputs: the values given, else the defaults its action declares, read as the CLI reads options. */
function fixedInputs(specs: InputSpecs, values: Record<string, string>): InputReader {
  return cliInputReader(
    { values: new Map(Object.entries(values).map(([name, value]) => [name, [value]])), help: false },
    specs,
    {},
  );
}
