#!/usr/bin/env node
import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import{takeRequestPart}from"./chunks/chunk-L2BSQ2TI.js";import"./chunks/chunk-CZXVPV4R.js";import"./chunks/chunk-NHUGT34X.js";import"./chunks/chunk-AT2TXTLX.js";import"./chunks/chunk-TAUJ5WBB.js";import{parentPort,workerData}from"node:worker_threads";parentPort.postMessage(takeRequestPart(workerData));
