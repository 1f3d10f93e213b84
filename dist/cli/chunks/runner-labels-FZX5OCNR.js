#!/usr/bin/env node
import { createRequire as __mlgateCreateRequire } from 'node:module';
const require = __mlgateCreateRequire(import.meta.url);
import"./chunk-TAUJ5WBB.js";async function runnerLabels(client,repo,runId,runnerName,logger){try{let jobs=await client.paginate(client.rest.actions.listJobsForWorkflowRun,{...repo,run_id:runId,filter:"latest",per_page:100});return jobs.find(job=>job.runner_name===runnerName&&job.status==="in_progress")?.labels??jobs.find(job=>job.runner_name===runnerName)?.labels}catch(error){logger.debug(`runner labels not read: ${error.message}`);return}}export{runnerLabels};
