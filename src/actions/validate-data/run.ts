import { resolve } from 'node:path';
import type { DataContract } from '../../core/contract/contract.js';
import type { FileRef, RulesFile, ValidationReport } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import { ownValue } from '../../core/own-value.js';
import type { DeferredArray } from '../../core/data/deferred-array.js';
import { ProfileBuilder } from '../../core/profile/profile-builder.js';
import type { Profile, SampleValue } from '../../core/profile/profile.js';
import { DatasetValidator } from '../../core/validate/dataset-validator.js';
import type { ShardPiece } from '../../core/shard/shard-pieces.js';
import type { ShardSpec } from '../../core/shard/shard-spec.js';
import { parseContract, writeContract } from '../../io/contract-file.js';
import { draftContract } from '../../io/draft-contract.js';
import { numericHints, reprofileMisread } from '../../io/numeric-hints.js';
import { fileFacts } from '../../io/partial-documents.js';
import type { ValidateDataIdentity } from '../../io/partials/shard-identities.js';
import type { ValidationShardState } from '../../io/partials/validation-payload.js';
import { type DatasetFile, datasetShardShare, resolveDataFiles } from '../../io/readers/dataset.js';
import { withContractSettings } from '../../io/readers/read-settings.js';
import { RunReports } from '../../io/run-reports.js';
import { scanDataset } from '../../io/scan-dataset.js';
import { prestartReaders } from '../../io/parallel/parallel-scan.js';
import { renderReport, SUMMARY_LIMIT_BYTES } from '../../render/report.js';
import { renderValidationSection } from '../../render/sections/validation.js';
import { renderValidationText } from '../../render/terminal.js';
import type { ActionEnvironment, Host } from '../runtime/host.js';
import { readRulesFile } from '../runtime/rules-files.js';
import { runShardedStep, type ShardToWrite } from '../runtime/sharded-step.js';
import { parseValidateDataOptions, type ValidateDataOptions } from './inputs.js';
import { finishValidation, type MergedValidation, validationShards } from './validation-shards.js';

/** Checks a dataset against its contract, writes the validation report and the profile, and fails on violations. */
export async function validateData(env: ActionEnvironment): Promise<void> {
  const options = parseValidateDataOptions(env.inputs);
  const { shard, partial } = options.sharding;
  const reports = await RunReports.claim(
    shard
      ? [partial && resolve(env.cwd, partial)]
      : [resolve(env.cwd, options.report), resolve(env.cwd, options.profile)],
  );
  await reports.guard(() => validateWith(env, options, reports));
}

async function validateWith(env: ActionEnvironment, options: ValidateDataOptions, reports: RunReports): Promise<void> {
  if (options.token) env.host.setSecret(options.token);
  const createdAt = new Date().toISOString();
  await runShardedStep(
    env,
    reports,
    options.sharding,
    {
      adapter: validationShards,
      scan: (shard) => scanRows(env, options, createdAt, shard),
      shardToWrite: (scanned, shard) => shardToWrite(options, scanned, shard, createdAt),
      finish: (result) =>
        'merged' in result
          ? finishMerged(env, reports, options, result.merged, createdAt)
          : finishScan(env, reports, options, result.scanned, createdAt),
    },
    createdAt,
  );
}

/** What reading the rows leaves: the contract applied, the files read, and the checks and profile of their rows. */
interface ValidationScan {
  contract: DataContract;
  /** Where the contract came from (on a pull request, the base commit's), for the report. */
  origin: RulesFile | undefined;
  files: DatasetFile[];
  validator: DatasetValidator;
  profile: ProfileBuilder;
  /** How columns the contract leaves out were read (unsharded runs only: see scanRows). */
  hints: Awaited<ReturnType<typeof numericHints>> | undefined;
  /** A shard's: what it read of each file, and the files' sizes. */
  pieces: ShardPiece[];
  facts: FileRef[];
}

/** Reads the contract (or drafts one), then checks and profiles the rows: this shard's, or every row. */
async function scanRows(
  env: ActionEnvironment,
  options: ValidateDataOptions,
  createdAt: string,
  shard: ShardSpec | undefined,
): Promise<ValidationScan> {
  const { host, cwd } = env;
  const label = env.inputs.label('data');
  // Resolved before the contract is read, so that reading threads start meanwhile; files whose format only the
  // contract tells are resolved after it (and a drafted contract needs them first).
  const named = options.infer
    ? await resolveDataFiles(options.data, cwd, options.read.format ?? 'auto', label)
    : await resolveDataFiles(options.data, cwd, options.read.format ?? 'auto', label).catch(() => undefined);
  if (named && !shard) await prestartReaders(named);
  const contractPath = resolve(cwd, options.contract);

  let contract: DataContract;
  let origin: RulesFile | undefined;
  if (options.infer) {
    ({ contract } = await draftContract(named!, {
      margin: 0.1,
      sampleSize: options.sampleSize,
      settings: options.read,
      createdAt,
    }));
    await writeContract(
      contractPath,
      contract,
      `Drafted by mlgate from ${named!.map((f) => f.name).join(', ')} on ${createdAt.slice(0, 10)}.\nReview it before relying on it: ranges are the observed ones widened by 10%.`,
    );
    host.info(`Drafted a contract from ${named!.length} file(s) into ${options.contract}`);
  } else {
    // On a pull request, the contract at the base commit: the pull request's own cannot loosen its rules.
    const loaded = await readRulesFile(env, {
      input: 'contract',
      path: options.contract,
      rulesFrom: options.rulesFrom,
      token: options.token,
      kind: 'contract',
    });
    if (loaded.text === undefined)
      throw new ConfigurationError(
        `${options.contract}: contract file not found; check the contract input, or set infer: true to draft one`,
        { file: options.contract },
      );
    contract = await parseContract(loaded.text, loaded.name);
    origin = loaded.record;
  }
  if (options.sampleSize === 0) {
    // Quantiles are taken from the sample: without one, these rules would pass unchecked.
    const bounded = Object.entries(contract.columns)
      .filter(([, c]) => c.quantiles)
      .map(([name]) => name);
    if (bounded.length > 0)
      throw new ConfigurationError(
        `${env.inputs.label('sample-size')} 0 keeps no sample, but the quantiles rules of ${bounded.join(', ')} in ${options.contract} are checked on it; set a sample-size above 0, or remove those rules`,
        { file: options.contract },
      );
  }

  // The contract's dataset settings fill those the inputs leave unset; a format it names retypes the files.
  const read = withContractSettings(options.read, contract.dataset);
  const files =
    named && !(read.format && !options.read.format)
      ? named
      : await resolveDataFiles(options.data, cwd, read.format ?? 'auto', label);
  const { key } = options.sharding;
  const facts = shard ? await fileFacts(files) : [];
  const share = shard
    ? await datasetShardShare(
        files,
        facts.map((f) => f.bytes),
        shard,
        key !== undefined,
      )
    : undefined;
  const profile = new ProfileBuilder({ sampleSize: options.sampleSize, createdAt, shardShare: share });
  const validator = new DatasetValidator(contract);
  const pieces: ShardPiece[] = [];
  // Columns the contract leaves out are profiled too; numeric ones are read as numbers only. Shards read them as
  // numbers and text, so that every shard types them alike whatever rows it holds.
  const hints = shard ? undefined : await numericHints(files, contract, options.read);
  await scanDataset({
    files,
    contract,
    decodeHints: hints,
    profile,
    validator,
    settings: options.read,
    createdAt,
    logger: host,
    shard,
    shardKey: key,
    onPiece: (piece) => pieces.push(piece),
  });
  return { contract, origin, files, validator, profile, hints, pieces, facts };
}

/** A shard's checks and profile are half a result: they go into its partial report for the merge to finish. */
function shardToWrite(
  options: ValidateDataOptions,
  scanned: ValidationScan,
  shard: ShardSpec,
  createdAt: string,
): ShardToWrite<'validate-data', ValidationShardState> {
  const { contract, origin, validator, pieces, facts } = scanned;
  const part = scanned.profile.finish({ part: true });
  const identity: ValidateDataIdentity = {
    contract,
    sampleSize: options.sampleSize,
    delimiter: options.read.delimiter,
    format: options.read.format ?? 'auto',
    decimal: options.read.decimal,
    quote: options.read.quote,
  };
  const state = { contract, contractPath: options.contract, origin, part: validator.part(), profile: part };
  return {
    result: { createdAt, shard, key: options.sharding.key, pieces, files: facts, identity, state },
    done: `shard ${shard.index}/${shard.count}: ${part.dataset.rows} rows checked; partial report ${options.sharding.partial} (merge the shards' partials with merge: to get the report)`,
  };
}

/** The report of every shard merged, judged on whole columns as one run's. */
function finishMerged(
  env: ActionEnvironment,
  reports: RunReports,
  options: ValidateDataOptions,
  merged: MergedValidation,
  createdAt: string,
): Promise<void> {
  const report = finishValidation(merged, { failOn: options.failOn, createdAt });
  return publish(
    env,
    reports,
    { ...options, contract: report.contract?.path ?? options.contract },
    report,
    merged.profile,
  );
}

/** The report and the profile of one run over every row. */
async function finishScan(
  env: ActionEnvironment,
  reports: RunReports,
  options: ValidateDataOptions,
  scanned: ValidationScan,
  createdAt: string,
): Promise<void> {
  const { contract, origin, files, validator, profile, hints } = scanned;
  // The profile's samples are written straight from the builder (see finishDeferred); only the columns whose
  // quantiles the contract bounds get theirs as values, for the validator.
  const { profile: finished, samples } = profile.finishDeferred();
  for (const column of finished.columns) {
    if (!ownValue(contract.columns, column.name)?.quantiles) continue;
    const sample = samples.get(column.sample as SampleValue[])!;
    column.sample = sample.slice(0, sample.length);
  }
  const profileDocument = hints
    ? await reprofileMisread(finished, hints, files, {
        sampleSize: options.sampleSize,
        settings: options.read,
        dataset: contract.dataset,
        createdAt,
      })
    : finished;
  const report = validator.finish(profileDocument, {
    failOn: options.failOn,
    contractPath: options.contract,
    inferred: options.infer,
    createdAt,
  });
  if (origin) report.contract = { ...origin, ...report.contract };
  await publish(env, reports, options, report, profileDocument, samples);
}

/** Writes the report and the profile, sets the outputs, annotates, summarises, and fails on violations. */
async function publish(
  env: ActionEnvironment,
  reports: RunReports,
  options: ValidateDataOptions,
  report: ValidationReport,
  profileDocument: Profile,
  samples?: ReadonlyMap<unknown[], DeferredArray<unknown>>,
): Promise<void> {
  const { host, cwd } = env;
  await reports.write(resolve(cwd, options.report), report);
  await reports.write(resolve(cwd, options.profile), profileDocument, { compact: true, deferred: samples });

  if (host.isAction) annotate(host, report, options.maxAnnotations);
  host.setOutput('passed', report.passed);
  host.setOutput('violations', report.violations.length);
  host.setOutput('report', options.report);
  host.setOutput('profile', options.profile);
  host.setOutput('contract', options.contract);
  if (host.isAction) {
    const { markdown } = renderReport([renderValidationSection(report, options.report)], {
      limit: SUMMARY_LIMIT_BYTES,
      measure: (t) => Buffer.byteLength(t),
    });
    await host.writeSummary(markdown);
  }
  host.print(renderValidationText(report, { report: options.report, profile: options.profile }));
  if (!report.passed) {
    const { errors, warnings } = report.summary;
    host.fail(
      `The data broke its contract: ${errors} error(s)${options.failOn === 'warning' ? ` and ${warnings} warning(s)` : ''}; see ${options.report}`,
    );
  }
}

/** The first violating rows as annotations on their file and line, so they show beside the data in the diff. */
function annotate(host: Host, report: ValidationReport, max: number): void {
  let left = max;
  for (const violation of report.violations) {
    for (const example of violation.examples ?? []) {
      if (left-- <= 0) return;
      const value =
        example.value === undefined || example.value === null ? '' : ` (value ${JSON.stringify(example.value)})`;
      const message = `${violation.column ? `${violation.column}: ` : ''}${violation.rule}: ${violation.message}${value}; ${violation.count} row(s) in all`;
      const at = { file: example.file, ...(example.line ? { line: example.line } : {}) };
      if (violation.severity === 'error') host.error(message, at);
      else host.warning(message, at);
    }
  }
}
