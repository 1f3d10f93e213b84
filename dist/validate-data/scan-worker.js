import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{scanPart,toWorkerError}from"./chunks/chunk-3YRFKCIX.js";import"./chunks/chunk-XWLL3JCT.js";import{parentPort,workerData}from"node:worker_threads";try{parentPort.postMessage({result:await scanPart(workerData)})}catch(error){parentPort.postMessage({error:toWorkerError(error)})}
