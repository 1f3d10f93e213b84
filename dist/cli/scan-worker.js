#!/usr/bin/env node
import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{scanPart,toWorkerError}from"./chunks/chunk-WDADSEOK.js";import"./chunks/chunk-AT2TXTLX.js";import"./chunks/chunk-TAUJ5WBB.js";import{parentPort,workerData}from"node:worker_threads";try{parentPort.postMessage({result:await scanPart(workerData)})}catch(error){parentPort.postMessage({error:toWorkerError(error)})}
