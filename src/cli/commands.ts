import type { ActionEnvironment } from '../actions/runtime/host.js';
import type { InputSpecs } from '../actions/runtime/inputs.js';
import { INPUTS as PR_COMMENT_INPUTS } from '../actions/pr-comment/inputs.js';
import { prComment } from '../actions/pr-comment/run.js';
import { demo, DEMO_INPUTS } from './demo.js';

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
  demo: {
    summary: 'run the mlgate loop on the bundled example and show every report',
    inputs: DEMO_INPUTS,
    run: demo,
  },
};
