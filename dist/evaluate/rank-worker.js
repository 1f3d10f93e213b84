import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{rankAll}from"./chunks/chunk-VDKRQARR.js";import"./chunks/chunk-XWLL3JCT.js";import{parentPort,workerData}from"node:worker_threads";parentPort.postMessage(rankAll(workerData));
