import { resolve } from 'node:path';
import type { DataContract } from '../../core/contract/contract.js';
import type { PartialDocument, RulesFile, ValidationReport } from '../../core/documents.js';
import { ConfigurationError } from '../../core/errors.js';
import { ownValue } from '../../core/own-value.js';
import { ProfileBuilder, type DeferredArray } from '../../core/profile/profile-builder.js';
import type { Profile } from '../../core/profile/profile.js';
import { DatasetValidator } from '../../core/validate/dataset-validator.js';
import { parseContract, writeContract } from '../../io/contract-file.js';
import { writeDocument } from '../../io/documents.js';
import { draftContract } from '../../io/draft-contract.js';
import { numericHints, reprofileMisread } from '../../io/numeric-hints.js';
import { fileFacts, packSamples, writePartial } from '../../io/partial-documents.js';
import { datasetShardShare, resolveDataFiles } from '../../io/readers/dataset.js';
import { scanDataset } from '../../io/scan-dataset.js';
import { prestartReaders } from '../../io/parallel/parallel-scan.js';
import { renderReport, SUMMARY_LIMIT_BYTES } from '../../render/report.js';
import { renderValidationSection } from '../../render/sections/validation.js';
import { renderValidationText } from '../../render/terminal.js';
import type { ActionEnvironment, Host } from '../runtime/host.js';
import { readRulesFile } from '../runtime/rules-files.js';
import { parseValidateDataOptions, type ValidateDataOptions } from './inputs.js';
import { encodeValidatorPart, mergeValidation } from './merge.js';

/** Checks a dataset against its contract, writes the validation report and the profile, and fails on violations. */
export async function validateData(env: ActionEnvironment): Promise<void> {
  const { host, cwd } = env;
  const options = parseValidateDataOptions(env.inputs);
  if (options.token) host.setSecret(options.token);
  const createdAt = new Date().toISOString();
  if (options.sharding.merge) {
    const merged = await mergeValidation(env, options.sharding.merge, { failOn: options.failOn, createdAt });
    return publish(env, { ...options, contract: merged.report.contract?.path ?? options.contract }, merged.report, merged.profile);
  }
  const files = await resolveDataFiles(options.data, cwd, options.format, env.inputs.label('data'));
  if (!options.sharding.shard) await prestartReaders(files);
  const contractPath = resolve(cwd, options.contract);

  let contract: DataContract;
  let origin: RulesFile | undefined;
  if (options.infer) {
    ({ contract } = await draftContract(files, { margin: 0.1, sampleSize: options.sampleSize, delimiter: options.delimiter, createdAt }));
    await writeContract(contractPath, contract, `Drafted by mlgate from ${files.map((f) => f.name).join(', ')} on ${createdAt.slice(0, 10)}.\nReview it before relying on it: ranges are the observed ones widened by 10%.`);
    host.info(`Drafted a contract from ${files.length} file(s) into ${options.contract}`);
  } else {
    // On a pull request, the contract at the base commit: the pull request's own cannot loosen its rules.
    const loaded = await readRulesFile(env, { input: 'contract', path: options.contract, rulesFrom: options.rulesFrom, token: options.token, kind: 'contract' });
    if (loaded.text === undefined) throw new ConfigurationError(`${options.contract}: contract file not found; check the contract input, or set infer: true to draft one`, { file: options.contract });
    contract = await parseContract(loaded.text, loaded.name);
    origin = loaded.record;
  }
  if (options.sampleSize === 0) {
    // Quantiles are taken from the sample: without one, these rules would pass unchecked.
    const bounded = Object.entries(contract.columns).filter(([, c]) => c.quantiles).map(([name]) => name);
    if (bounded.length > 0) throw new ConfigurationError(`${env.inputs.label('sample-size')} 0 keeps no sample, but the quantiles rules of ${bounded.join(', ')} in ${options.contract} are checked on it; set a sample-size above 0, or remove those rules`, { file: options.contract });
  }

  const { shard, partial, key } = options.sharding;
  const facts = shard ? await fileFacts(files) : [];
  const share = shard ? await datasetShardShare(files, facts.map((f) => f.bytes), shard, key !== undefined) : undefined;
  const profile = new ProfileBuilder({ sampleSize: options.sampleSize, createdAt, shardShare: share });
  const validator = new DatasetValidator(contract);
  const pieces: PartialDocument['shard']['pieces'] = [];
  const delimiter = options.delimiter ?? contract.dataset?.delimiter;
  // Columns the contract leaves out are profiled too; numeric ones are read as numbers only. Shards read them as
  // numbers and text, so that every shard types them alike whatever rows it holds.
  const hints = shard ? undefined : await numericHints(files, contract, delimiter);
  await scanDataset({ files, contract, decodeHints: hints, profile, validator, delimiter: options.delimiter, createdAt, logger: host, shard, shardKey: key, onPiece: (piece) => pieces.push(piece) });
  if (shard && partial) {
    // A shard's checks and profile are half a result: they go into its partial report for the merge to finish.
    const part = profile.finish({ part: true });
    const identity = { contract, sampleSize: options.sampleSize, delimiter: options.delimiter, format: options.format };
    const validation = { contract, contract_path: options.contract, ...(origin ? { contract_origin: origin } : {}), ...encodeValidatorPart(validator.part()) };
    await writePartial(resolve(cwd, partial), { step: 'validate-data', createdAt, shard, key, pieces, files: facts, identity, payload: { ...packSamples(part), validation } });
    host.setOutput('partial', partial);
    host.print(`shard ${shard.index}/${shard.count}: ${part.dataset.rows} rows checked; partial report ${partial} (merge the shards' partials with merge: to get the report)`);
    return;
  }
  // The profile's samples are written straight from the builder (see finishDeferred); only the columns whose
  // quantiles the contract bounds get theirs as values, for the validator.
  const { profile: finished, samples } = profile.finishDeferred();
  for (const column of finished.columns) {
    if (!ownValue(contract.columns, column.name)?.quantiles) continue;
    const sample = samples.get(column.sample)!;
    column.sample = sample.slice(0, sample.length);
  }
  const profileDocument = hints ? await reprofileMisread(finished, hints, files, { sampleSize: options.sampleSize, delimiter, dataset: contract.dataset, createdAt }) : finished;
  const report = validator.finish(profileDocument, { failOn: options.failOn, contractPath: options.contract, inferred: options.infer, createdAt });
  if (origin) report.contract = { ...origin, ...report.contract };
  await publish(env, options, report, profileDocument, samples);
}

/** Writes the report and the profile, sets the outputs, annotates, summarises, and fails on violations. */
async function publish(env: ActionEnvironment, options: ValidateDataOptions, report: ValidationReport, profileDocument: Profile, samples?: ReadonlyMap<unknown[], DeferredArray<unknown>>): Promise<void> {
  const { host, cwd } = env;
  await writeDocument(resolve(cwd, options.report), report);
  await writeDocument(resolve(cwd, options.profile), profileDocument, { compact: true, deferred: samples });

  if (host.isAction) annotate(host, report, options.maxAnnotations);
  host.setOutput('passed', report.passed);
  host.setOutput('violations', report.violations.length);
  host.setOutput('report', options.report);
  host.setOutput('profile', options.profile);
  host.setOutput('contract', options.contract);
  if (host.isAction) {
    const { markdown } = renderReport([renderValidationSection(report, options.report)], { limit: SUMMARY_LIMIT_BYTES, measure: (t) => Buffer.byteLength(t) });
    await host.writeSummary(markdown);
  }
  host.print(renderValidationText(report, { report: options.report, profile: options.profile }));
  if (!report.passed) {
    const { errors, warnings } = report.summary;
    host.fail(`The data broke its contract: ${errors} error(s)${options.failOn === 'warning' ? ` and ${warnings} warning(s)` : ''}; see ${options.report}`);
  }
}

/** The first violating rows as annotations on their file and line, so they show beside the data in the diff. */
function annotate(host: Host, report: ValidationReport, max: number): void {
  let left = max;
  for (const violation of report.violations) {
    for (const example of violation.examples ?? []) {
      if (left-- <= 0) return;
      const value = example.value === undefined || example.value === null ? '' : ` (value ${JSON.stringify(example.value)})`;
      const message = `${violation.column ? `${violation.column}: ` : ''}${violation.rule}: ${violation.message}${value}; ${violation.count} row(s) in all`;
      const at = { file: example.file, ...(example.line ? { line: example.line } : {}) };
      if (violation.severity === 'error') host.error(message, at);
      else host.warning(message, at);
    }
  }
}
