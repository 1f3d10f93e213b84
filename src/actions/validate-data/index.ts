import { runAction } from '../runtime/action-host.js';
import { validateData } from './run.js';

await runAction(validateData);
