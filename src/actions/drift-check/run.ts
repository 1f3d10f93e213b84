import { resolve } from 'node:path';
import type { DataContract } from '../../core/contract/contract.js';
import type { DriftReport, FeatureDrift, FileRef } from '../../core/documents.js';
import type { ShardPiece } from '../../core/shard/shard-pieces.js';
import { describeShard, type ShardSpec } from '../../core/shard/shard-spec.js';
import { fileFacts } from '../../io/partial-documents.js';
import { DEFAULT_DRIFT_OPTIONS, detectDrift, type DriftOptions } from '../../core/drift/detect-drift.js';
import { detectPredictionDrift } from '../../core/drift/prediction-drift.js';
import { ConfigurationError } from '../../core/errors.js';
import { ProfileBuilder } from '../../core/profile/profile-builder.js';
import type { Profile } from '../../core/profile/profile.js';
import { runUrl } from '../../github/context.js';
import { syncDriftIssue } from '../../github/drift-issue.js';
import { LATEST_RELEASE, latestReleaseAsset, NoReleaseError } from '../../github/latest-release.js';
import { readDocumentOfKind } from '../../io/documents.js';
import { datasetShardShare, resolveDataFiles } from '../../io/readers/dataset.js';
import { RunReports } from '../../io/run-reports.js';
import { scanDataset } from '../../io/scan-dataset.js';
import { prestartReaders } from '../../io/parallel/parallel-scan.js';
import { sniffNumericColumns } from '../../io/sniff-types.js';
import { COMMENT_LIMIT, renderReport, SUMMARY_LIMIT_BYTES } from '../../render/report.js';
import { renderDriftSection } from '../../render/sections/drift.js';
import type { ActionEnvironment } from '../runtime/host.js';
import { runShardedStep, type ShardToWrite } from '../runtime/sharded-step.js';
import { parseDriftCheckOptions, type DriftCheckOptions } from './inputs.js';
import { modelOutputs } from './predictions.js';
import { profileShards } from './profile-shards.js';

/** Compares current data with the reference, feature by feature, and writes the drift report. */
export async function driftCheck(env: ActionEnvironment): Promise<void> {
  const options = parseDriftCheckOptions(env.inputs);
  const { shard, partial } = options.sharding;
  const reports = await RunReports.claim([resolve(env.cwd, shard ? partial! : options.report)]);
  await reports.guard(() => driftCheckWith(env, options, reports));
}

async function driftCheckWith(env: ActionEnvironment, options: DriftCheckOptions, reports: RunReports): Promise<void> {
  if (options.token) env.host.setSecret(options.token);
  const createdAt = new Date().toISOString();
  // A run over every row and a merge read the reference first: with no release yet there is nothing to compare
  // with, and neither the data nor the partials are read. A shard reads only the reference's types (scanShard).
  const { shard } = options.sharding;
  const reference = shard ? undefined : await optionalReference(env, options, createdAt);
  if (!shard && !reference) return noReference(env, options);
  await runShardedStep(
    env,
    reports,
    options.sharding,
    {
      adapter: profileShards,
      scan: (shard) =>
        shard ? scanShard(env, options, shard, createdAt) : scanCurrent(env, options, reference!, createdAt),
      shardToWrite: (scanned, shard) => shardToWrite(options, scanned, shard, createdAt),
      finish: (result) =>
        decide(
          env,
          options,
          reports,
          reference!,
          'merged' in result ? result.merged : result.scanned.current,
          createdAt,
        ),
    },
    createdAt,
  );
}

/** What reading the current data leaves: its profile (a shard's part of it) and how it was read. */
interface CurrentScan {
  current: Profile;
  /** The types the current data was read with: a shard's partial records them, so that every shard reads alike. */
  types: DataContract;
  /** A shard's: what it read of each file, and the files' sizes. */
  pieces: ShardPiece[];
  facts: FileRef[];
}

/** Every row of the current data, read with the reference's types. */
async function scanCurrent(
  env: ActionEnvironment,
  options: DriftCheckOptions,
  reference: Profile,
  createdAt: string,
): Promise<CurrentScan> {
  // The current data is read with the reference's types, so both sides are compared as the same kinds.
  const types = typesOf(reference);
  const current = await profileData(env, options, options.current, env.inputs.label('current'), createdAt, types);
  return { current, types, pieces: [], facts: [] };
}

/** The reference profile, or undefined when release:latest finds no release yet; warns when it holds no sample. */
async function optionalReference(
  env: ActionEnvironment,
  options: DriftCheckOptions,
  createdAt: string,
): Promise<Profile | undefined> {
  const reference = await referenceProfile(env, options, createdAt).catch((error: unknown) => {
    if (!(error instanceof NoReleaseError)) throw error;
    return undefined;
  });
  if (reference?.sample.size === 0)
    env.host.warning(
      `the reference profile holds no sample (written with sample-size 0): only columns with category counts are compared, the others are skipped; write the reference with a sample-size above 0, or give it as data files, to compare every column`,
    );
  return reference;
}

/** The first model of a repository: there is no released reference to drift from yet. */
function noReference(env: ActionEnvironment, options: DriftCheckOptions): void {
  const { host } = env;
  host.setOutput('drifted', false);
  host.setOutput('drifted-columns', '[]');
  host.setOutput('prediction-drifted', '');
  host.print(
    `No mlgate release yet (tags ${options.tagPrefix}*): no reference to compare with; drift is checked once a model is released`,
  );
}

/** Compares the current data's profile with the reference's, writes the report, and fails or opens an issue. */
async function decide(
  env: ActionEnvironment,
  options: DriftCheckOptions,
  reports: RunReports,
  reference: Profile,
  current: Profile,
  createdAt: string,
): Promise<void> {
  const { host } = env;
  const driftOptions: DriftOptions = {
    ...DEFAULT_DRIFT_OPTIONS,
    columns: options.columns,
    tests: options.tests,
    thresholds: options.thresholds,
    driftShare: options.driftShare,
    correction: options.correction,
    newCategories: options.newCategories,
    label: options.label,
    ids: options.ids,
    inputLabel: (name) => env.inputs.label(name),
    createdAt,
  };
  const report = detectDrift(reference, current, driftOptions);
  const prediction = options.model ? await predictionDrift(env, options, driftOptions) : undefined;
  if (prediction) report.features.push(prediction);
  await reports.write(resolve(env.cwd, options.report), report);

  const isFeature = (f: FeatureDrift) => f.kind !== 'prediction' && f.role !== 'label';
  const drifted = report.features.filter((f) => f.status === 'drift' && isFeature(f)).map((f) => f.column);
  const label = report.features.find((f) => f.role === 'label');
  host.setOutput('prediction-drifted', prediction ? prediction.status === 'drift' : '');
  host.setOutput('label-drifted', label ? label.status === 'drift' : '');
  host.setOutput('drifted', report.dataset_drift);
  host.setOutput('drifted-columns', JSON.stringify(drifted));
  host.setOutput('report', options.report);
  if (host.isAction)
    await host.writeSummary(
      renderReport([renderDriftSection(report, options.report)], {
        limit: SUMMARY_LIMIT_BYTES,
        measure: (t) => Buffer.byteLength(t),
      }).markdown,
    );
  const checked = report.features.filter((f) => (f.status === 'ok' || f.status === 'drift') && isFeature(f)).length;
  const verdict =
    report.verdict === 'not_tested'
      ? `– nothing could be tested: none of ${report.features.filter(isFeature).length} features had enough data or a test`
      : `${report.dataset_drift ? '✗ dataset drift' : '✓ no dataset drift'}: ${drifted.length} of ${checked} features drifted`;
  host.print(
    [
      verdict +
        (label
          ? `; label ${{ drift: 'drifted', ok: 'did not drift', insufficient_data: 'had too little data', skipped: 'skipped' }[label.status]}`
          : ''),
      ...report.features.map(
        (f) =>
          `  ${f.status.padEnd(17)} ${f.column}${f.role === 'label' ? ' [label]' : ''} (${f.test}${f.statistic != null ? ` ${f.statistic.toPrecision(4)}` : ''}${f.p_value != null ? `, p ${f.p_value.toPrecision(3)}` : ''}${f.p_adjusted != null ? `, adjusted ${f.p_adjusted.toPrecision(3)}` : ''})${f.reason ? `: ${f.reason}` : ''}`,
      ),
      `report  ${options.report}`,
    ].join('\n'),
  );
  if (options.mode === 'issue') await keepIssue(env, options, report, drifted.length, checked);
  if (report.dataset_drift && options.failOnDrift)
    host.fail(`The data drifted: ${drifted.join(', ')}; see ${options.report}`);
}

/**
 * The reference's types, to read the current data as the same kinds; bool columns are read as text, so that a third
 * value is named in the report rather than counted as invalid (detectDrift maps the bool spellings back).
 */
function typesOf(profile: Profile): DataContract {
  return {
    columns: Object.fromEntries(
      profile.columns.map((c) => [c.name, { type: c.type === 'bool' ? 'category' : c.type }]),
    ),
  };
}

/**
 * A shard profiles its rows of the current data into a partial report; the drift is decided when the shards'
 * profiles are merged (their samples are the bottom k of one hash of every row, so the merge holds exactly the
 * sample of an unsharded run). The types come from a reference profile as in one run; a reference given as data
 * is not profiled by every shard: the types are sniffed from its first rows.
 */
async function scanShard(
  env: ActionEnvironment,
  options: DriftCheckOptions,
  shard: ShardSpec,
  createdAt: string,
): Promise<CurrentScan> {
  const [first] = options.reference;
  const fromProfile = options.reference.length === 1 && (first === LATEST_RELEASE || first!.endsWith('.json'));
  const types = fromProfile
    ? typesOf(await referenceProfile(env, options, createdAt))
    : await sniffNumericColumns(
        await resolveDataFiles(
          options.reference,
          env.cwd,
          options.read.format ?? 'auto',
          env.inputs.label('reference'),
        ),
        options.read,
      );
  const files = await resolveDataFiles(
    options.current,
    env.cwd,
    options.read.format ?? 'auto',
    env.inputs.label('current'),
  );
  const facts = await fileFacts(files);
  const key = options.sharding.key;
  const builder = new ProfileBuilder({
    createdAt,
    sampleSize: options.sampleSize,
    shardShare: await datasetShardShare(
      files,
      facts.map((f) => f.bytes),
      shard,
      key !== undefined,
    ),
  });
  const pieces: ShardPiece[] = [];
  await scanDataset({
    files,
    contract: types,
    settings: options.read,
    profile: builder,
    createdAt,
    logger: env.host,
    shard,
    shardKey: key,
    onPiece: (piece) => pieces.push(piece),
  });
  return { current: builder.finish({ part: true }), types, pieces, facts };
}

function shardToWrite(
  options: DriftCheckOptions,
  scanned: CurrentScan,
  shard: ShardSpec,
  createdAt: string,
): ShardToWrite<'drift-check', Profile> {
  const profile = scanned.current;
  const { key, partial } = options.sharding;
  return {
    result: {
      createdAt,
      shard,
      key,
      pieces: scanned.pieces,
      files: scanned.facts,
      identity: { types: scanned.types },
      state: profile,
    },
    done: `shard ${describeShard(shard)}: ${profile.dataset.rows} rows profiled; partial report ${partial} (merge the shards' partials with merge: to check drift)`,
  };
}

/** Prediction drift, when a model is given: its outputs on the reference data against those on the current data. */
async function predictionDrift(
  env: ActionEnvironment,
  options: DriftCheckOptions,
  driftOptions: DriftOptions,
): Promise<FeatureDrift | undefined> {
  const [first] = options.reference;
  if (options.reference.length === 1 && (first === LATEST_RELEASE || first!.endsWith('.json'))) {
    env.host.warning(
      `prediction drift needs the reference data, not a profile: give ${env.inputs.label('reference')} as data files to compare ${options.model}'s predictions`,
    );
    return undefined;
  }
  const outputs = await modelOutputs(env, options);
  return detectPredictionDrift(outputs.reference, outputs.current, driftOptions);
}

/** Issue mode: one issue open while the data drifts (see syncDriftIssue). */
async function keepIssue(
  env: ActionEnvironment,
  options: DriftCheckOptions,
  report: DriftReport,
  drifted: number,
  checked: number,
): Promise<void> {
  const { context, host } = env;
  if (!options.token || !context.owner || !context.repo)
    throw new ConfigurationError(
      `${env.inputs.label('mode')} issue needs a github-token and GITHUB_REPOSITORY (with permissions issues: write)`,
    );
  const client = await env.createClient(options.token);
  const url = runUrl(context);
  const body = renderReport([renderDriftSection(report, options.report)], {
    limit: COMMENT_LIMIT,
    fullReportUrl: url,
  }).markdown;
  const result = await syncDriftIssue(
    client,
    { owner: context.owner, repo: context.repo },
    {
      drifted: report.dataset_drift,
      label: options.issueLabel,
      title: `mlgate: data drift in ${drifted} of ${checked} features`,
      body,
      runUrl: url,
      author: options.issueAuthor,
    },
    host,
  );
  host.setOutput('issue-number', result.number ?? '');
  host.setOutput('issue-url', result.url ?? '');
}

/** The reference as a profile: read from a profile document, from release:latest, or made from data files. */
async function referenceProfile(
  env: ActionEnvironment,
  options: DriftCheckOptions,
  createdAt: string,
): Promise<Profile> {
  const [first] = options.reference;
  if (options.reference.length === 1 && first === LATEST_RELEASE) {
    const { context } = env;
    if (!options.token || !context.owner || !context.repo)
      throw new ConfigurationError(
        `${env.inputs.label('reference')} release:latest needs a github-token and GITHUB_REPOSITORY; or name a profile or data files`,
      );
    const client = await env.createClient(options.token);
    const asset = await latestReleaseAsset(
      client,
      { owner: context.owner, repo: context.repo },
      { tagPrefix: options.tagPrefix, asset: 'profile.json', cacheDir: context.runnerTemp ?? env.cwd },
    );
    env.host.info(`Reference: profile.json of ${asset.tag}`);
    return readProfile(asset.path, `${asset.tag}/profile.json`);
  }
  if (options.reference.length === 1 && first!.endsWith('.json')) return readProfile(resolve(env.cwd, first!), first!);
  return profileData(env, options, options.reference, env.inputs.label('reference'), createdAt);
}

function readProfile(path: string, name: string): Promise<Profile> {
  return readDocumentOfKind<Profile>(path, name, 'profile', 'give the profile.json that validate-data writes');
}

async function profileData(
  env: ActionEnvironment,
  options: DriftCheckOptions,
  patterns: string[],
  label: string,
  createdAt: string,
  types?: DataContract,
): Promise<Profile> {
  const files = await resolveDataFiles(patterns, env.cwd, options.read.format ?? 'auto', label);
  await prestartReaders(files);
  const contract = types ?? (await sniffNumericColumns(files, options.read));
  const builder = new ProfileBuilder({ createdAt, sampleSize: options.sampleSize, sortedOnly: true });
  await scanDataset({ files, contract, settings: options.read, profile: builder, createdAt, logger: env.host });
  // Compared, never written: each numeric column's sample sorted once, as every test reads it.
  return builder.finishSorted();
}
