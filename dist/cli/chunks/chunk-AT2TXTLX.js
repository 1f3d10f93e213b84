#!/usr/bin/env node
import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
var ConfigurationError=class extends Error{constructor(message,location){super(message);this.location=location}location;name="ConfigurationError"},DataError=class extends Error{constructor(message,location){super(message);this.location=location}location;name="DataError"};function isUserError(error){return error instanceof ConfigurationError||error instanceof DataError}function errorMessage(error){return error instanceof Error?error.message:String(error)}export{ConfigurationError,DataError,isUserError,errorMessage};
