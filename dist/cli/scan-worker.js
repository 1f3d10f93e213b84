#!/usr/bin/env node
import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{scanPart,transferables}from"./chunks/chunk-7CS6LZBF.js";import"./chunks/chunk-J3PTVNZO.js";import"./chunks/chunk-L6ZYCCDX.js";import"./chunks/chunk-K6QHZ3MK.js";import{toWorkerError}from"./chunks/chunk-NHUGT34X.js";import"./chunks/chunk-AT2TXTLX.js";import"./chunks/chunk-TAUJ5WBB.js";import{parentPort}from"node:worker_threads";var port=parentPort;port.once("message",async request=>{try{let result=await scanPart(request);port.postMessage({result},transferables(result.profile))}catch(error){port.postMessage({error:toWorkerError(error)})}port.close()});
