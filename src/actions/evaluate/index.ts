import { runAction } from '../runtime/action-host.js';
import { evaluate } from './run.js';

await runAction(evaluate);
