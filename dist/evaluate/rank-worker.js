import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{rankAll,takePart}from"./chunks/chunk-6OYGVTGN.js";import"./chunks/chunk-XWLL3JCT.js";import{parentPort,workerData}from"node:worker_threads";var request=workerData,ranked=rankAll(request);request.bootstrap&&takePart(request.bootstrap);parentPort.postMessage(ranked);
