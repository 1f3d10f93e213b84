import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{scanPart,transferables}from"./chunks/chunk-5ED4KSVG.js";import{toWorkerError}from"./chunks/chunk-RZR7OQSE.js";import"./chunks/chunk-XWLL3JCT.js";import{parentPort,workerData}from"node:worker_threads";try{let result=await scanPart(workerData);parentPort.postMessage({result},transferables(result.profile))}catch(error){parentPort.postMessage({error:toWorkerError(error)})}
