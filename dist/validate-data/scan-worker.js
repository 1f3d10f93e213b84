import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{scanPart,toWorkerError,transferables}from"./chunks/chunk-B5FVVPS3.js";import"./chunks/chunk-XWLL3JCT.js";import{parentPort,workerData}from"node:worker_threads";try{let result=await scanPart(workerData);parentPort.postMessage({result},transferables(result.profile))}catch(error){parentPort.postMessage({error:toWorkerError(error)})}
