import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{scanPart}from"./chunks/chunk-PO4GRDYA.js";import"./chunks/chunk-XWLL3JCT.js";import{parentPort,workerData}from"node:worker_threads";try{parentPort.postMessage({result:await scanPart(workerData)})}catch(error){let e=error;parentPort.postMessage({error:{name:e.name??"Error",message:e.message??String(error),location:e.location}})}
