import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
function resized(array,length){let next=new array.constructor(length);return next.set(array.subarray(0,Math.min(array.length,length))),next}export{resized};
