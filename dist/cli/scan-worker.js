#!/usr/bin/env node
import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{scanPart}from"./chunks/chunk-M3GJYVSO.js";import"./chunks/chunk-AT2TXTLX.js";import"./chunks/chunk-TAUJ5WBB.js";import{parentPort,workerData}from"node:worker_threads";try{parentPort.postMessage({result:await scanPart(workerData)})}catch(error){let e=error;parentPort.postMessage({error:{name:e.name??"Error",message:e.message??String(error),location:e.location}})}
