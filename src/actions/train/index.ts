import { runAction } from '../runtime/action-host.js';
import { train } from './run.js';

await runAction(train);
