import type { ActionEnvironment } from '../actions/runtime/host.js';
import type { InputSpecs } from '../actions/runtime/inputs.js';
import { INPUTS as PR_COMMENT_INPUTS } from '../actions/pr-comment/inputs.js';
import { prComment } from '../actions/pr-comment/run.js';
import { INPUTS as DRIFT_CHECK_INPUTS } from '../actions/drift-check/inputs.js';
import { driftCheck } from '../actions/drift-check/run.js';
import { INPUTS as EVALUATE_INPUTS } from '../actions/evaluate/inputs.js';
import { evaluate } from '../actions/evaluate/run.js';
import { INPUTS as TRAIN_INPUTS } from '../actions/train/inputs.js';
import { train } from '../actions/train/run.js';
import { INPUTS as RELEASE_INPUTS } from '../actions/release/inputs.js';
import { release } from '../actions/release/run.js';
import { INPUTS as VALIDATE_DATA_INPUTS } from '../actions/validate-data/inputs.js';
import { validateData } from '../actions/validate-data/run.js';
import { demo, DEMO_INPUTS } from './demo.js';
import { INFER_CONTRACT_INPUTS, inferContractCommand } from './infer-contract.js';
import { MERGE_INPUTS, mergeCommand } from './merge.js';

/** One `mlgate <name>` command: an action's entry with the action's inputs as options, or a CLI-only tool. */
export interface Command {
  summary: string;
  inputs: InputSpecs;
  /** The input that positional arguments fill. */
  positional?: string;
  run(env: ActionEnvironment): Promise<void>;
}

export const COMMANDS: Record<string, Command> = {
  'pr-comment': {
    summary: 'render mlgate reports as one pull-request comment (printed, written to --output, or posted)',
    inputs: PR_COMMENT_INPUTS,
    positional: 'reports',
    run: prComment,
  },
  'validate-data': {
    summary: 'check a dataset against a data contract and write its profile',
    inputs: VALIDATE_DATA_INPUTS,
    positional: 'data',
    run: validateData,
  },
  'drift-check': {
    summary: 'compare current data with reference data, feature by feature',
    inputs: DRIFT_CHECK_INPUTS,
    run: driftCheck,
  },
  train: {
    summary: 'run the training command with a GPU preflight, a timeout and GPU sampling, and check the model it writes',
    inputs: TRAIN_INPUTS,
    run: train,
  },
  evaluate: {
    summary: 'score the candidate ONNX model against the baseline on the same data and apply the gate',
    inputs: EVALUATE_INPUTS,
    run: evaluate,
  },
  release: {
    summary: 'publish an approved model as a GitHub Release (or write its files with --dry-run folder)',
    inputs: RELEASE_INPUTS,
    run: release,
  },
  'infer-contract': {
    summary: 'draft a data contract from reference data, for review',
    inputs: INFER_CONTRACT_INPUTS,
    positional: 'data',
    run: inferContractCommand,
  },
  merge: {
    summary: "merge the profiles, or the partial reports of validate-data or evaluate, of a dataset's shards",
    inputs: MERGE_INPUTS,
    positional: 'profiles',
    run: mergeCommand,
  },
  demo: {
    summary: 'run the mlgate loop on the bundled weather example and show every report',
    inputs: DEMO_INPUTS,
    run: demo,
  },
};
