import { runAction } from '../runtime/action-host.js';
import { prComment } from './run.js';

await runAction(prComment);
