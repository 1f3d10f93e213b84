import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { ConfigurationError } from '../core/errors.js';
import type { ActionEnvironment } from '../actions/runtime/host.js';
import type { InputReader, InputSpecs } from '../actions/runtime/inputs.js';
import { INPUTS as DRIFT_CHECK_INPUTS } from '../actions/drift-check/inputs.js';
import { driftCheck } from '../actions/drift-check/run.js';
import { INPUTS as PR_COMMENT_INPUTS } from '../actions/pr-comment/inputs.js';
import { prComment } from '../actions/pr-comment/run.js';
import { INPUTS as VALIDATE_DATA_INPUTS } from '../actions/validate-data/inputs.js';
import { validateData } from '../actions/validate-data/run.js';
import { cliInputReader } from './args.js';
import { INFER_CONTRACT_INPUTS, inferContractCommand } from './infer-contract.js';

export const DEMO_INPUTS = {
  'out-dir': { description: 'Folder the demo writes its data and reports to.', default: 'out/demo' },
} satisfies InputSpecs;

/** Seattle's daily weather 2012-2015 (1,461 rows), as the vega-datasets package ships it. */
function weatherData(): string {
  let path: string;
  try {
    // The package exports only its build/ entry; its data/ folder sits beside build/.
    path = join(dirname(createRequire(import.meta.url).resolve('vega-datasets')), '..', 'data', 'seattle-weather.csv');
  } catch {
    throw new ConfigurationError('the demo needs the vega-datasets package: run npm ci in a clone of mlgate first');
  }
  if (!existsSync(path)) throw new ConfigurationError(`the demo data is missing (${path}); reinstall with npm ci`);
  return path;
}

/**
 * Runs the mlgate loop on a real dataset, with no network: the years 2012-2014 are the reference, 2015 the new
 * data. Each stage is the same code the actions run; the demo prints where every document is.
 */
export async function demo(env: ActionEnvironment): Promise<void> {
  const { host } = env;
  const out = resolve(env.cwd, env.inputs.get('out-dir') || DEMO_INPUTS['out-dir'].default);
  const shown = (path: string) => relative(env.cwd, path) || '.';
  const started = Date.now();
  await mkdir(join(out, 'data'), { recursive: true });

  host.info('1/5 data: Seattle weather 2012-2015 (vega-datasets), split into reference (2012-2014) and current (2015)');
  const [header, ...rows] = (await readFile(weatherData(), 'utf8')).trim().split('\n');
  const reference = join(out, 'data', 'reference.csv');
  const current = join(out, 'data', 'current.csv');
  await writeFile(reference, `${header}\n${rows.filter((r) => !r.startsWith('2015')).join('\n')}\n`);
  await writeFile(current, `${header}\n${rows.filter((r) => r.startsWith('2015')).join('\n')}\n`);

  const quiet = { ...env, host: { ...host, print: () => {} } };
  const contract = join(out, 'contract.yml');
  host.info('2/5 infer-contract: a contract drafted from the reference years');
  await inferContractCommand({ ...quiet, inputs: fixedInputs(INFER_CONTRACT_INPUTS, { data: shown(reference), output: shown(contract) }) });

  const reports = join(out, 'mlgate-reports');
  host.info('3/5 validate-data: 2015 checked against the contract, and profiled');
  await validateData({
    ...quiet,
    host: { ...quiet.host, fail: (message) => host.info(`  the check failed, as a pull request would: ${message}`) },
    inputs: fixedInputs(VALIDATE_DATA_INPUTS, {
      data: shown(current),
      contract: shown(contract),
      report: shown(join(reports, 'validation-report.json')),
      profile: shown(join(reports, 'profile.json')),
    }),
  });

  host.info('4/5 drift-check: 2015 against the reference years, feature by feature');
  await driftCheck({
    ...quiet,
    inputs: fixedInputs(DRIFT_CHECK_INPUTS, { reference: shown(reference), current: shown(current), report: shown(join(reports, 'drift-report.json')) }),
  });

  host.info('5/5 pr-comment: the pull-request comment built from the reports');
  const comment = join(out, 'pr-comment.md');
  await prComment({
    ...quiet,
    context: { ...env.context, eventName: undefined, payload: {}, owner: undefined, repo: undefined },
    inputs: fixedInputs(PR_COMMENT_INPUTS, { reports: `${shown(reports)}/*-report.json`, output: shown(comment), summary: 'false' }),
  });

  host.print(
    [
      `mlgate demo finished in ${((Date.now() - started) / 1000).toFixed(1)}s`,
      `  data        ${shown(reference)}, ${shown(current)}`,
      `  contract    ${shown(contract)}`,
      `  validation  ${shown(join(reports, 'validation-report.json'))}`,
      `  profile     ${shown(join(reports, 'profile.json'))}`,
      `  drift       ${shown(join(reports, 'drift-report.json'))}`,
      `  comment     ${shown(comment)}`,
    ].join('\n'),
  );
}

/** A stage's inputs: the values given, else the defaults its action declares, read as the CLI reads options. */
function fixedInputs(specs: InputSpecs, values: Record<string, string>): InputReader {
  return cliInputReader({ values: new Map(Object.entries(values).map(([name, value]) => [name, [value]])), help: false }, specs, {});
}
