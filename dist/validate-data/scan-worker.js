import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{scanPart,transferables}from"./chunks/chunk-FEVONOXK.js";import{toWorkerError}from"./chunks/chunk-6INISK6Q.js";import"./chunks/chunk-XWLL3JCT.js";import{parentPort}from"node:worker_threads";var port=parentPort;port.once("message",async request=>{try{let result=await scanPart(request);port.postMessage({result},transferables(result.profile))}catch(error){port.postMessage({error:toWorkerError(error)})}port.close()});
