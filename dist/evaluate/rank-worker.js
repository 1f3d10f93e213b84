import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{rankMetricsOf}from"./chunks/chunk-L5YRGIGU.js";import"./chunks/chunk-7FJATY7N.js";import"./chunks/chunk-XWLL3JCT.js";import{parentPort,workerData}from"node:worker_threads";var{truth,models}=workerData,labels=truth.kind==="int32"?new Int32Array(truth.buffer):new Float64Array(truth.buffer);parentPort.postMessage(models.map(m=>m?rankMetricsOf(labels,new Float64Array(m.buffer),m.k):{}));
