import { runAction } from '../runtime/action-host.js';
import { driftCheck } from './run.js';

await runAction(driftCheck);
