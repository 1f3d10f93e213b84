import { runAction } from '../runtime/action-host.js';
import { release } from './run.js';

await runAction(release);
