#!/usr/bin/env node
import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
function resized(array,length){let next=new array.constructor(length);return next.set(array.subarray(0,Math.min(array.length,length))),next}function gatherColumns(block,rows,width,columns,into){let n=columns.length;for(let r=0;r<rows;r++)for(let c=0;c<n;c++)into[r*n+c]=block[r*width+columns[c]];return into}export{resized,gatherColumns};
