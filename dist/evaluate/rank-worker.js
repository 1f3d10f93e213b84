import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{takeRequestPart}from"./chunks/chunk-3M7C4LXX.js";import"./chunks/chunk-7PKPLZZX.js";import"./chunks/chunk-XWLL3JCT.js";import{parentPort,workerData}from"node:worker_threads";parentPort.postMessage(takeRequestPart(workerData));
