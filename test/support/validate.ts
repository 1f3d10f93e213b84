import { decodingOf, type DataContract } from '../../src/core/contract/contract.js';
import { ProfileBuilder } from '../../src/core/profile/profile-builder.js';
import { DatasetValidator } from '../../src/core/validate/dataset-validator.js';
import type { ValidationReport } from '../../src/core/documents.js';
import type { Profile } from '../../src/core/profile/profile.js';
import { resolveDataFiles } from '../../src/io/readers/dataset.js';
import { scanDataset } from '../../src/io/scan-dataset.js';
import { dataFolder } from './datasets.js';

/** Validates CSV text against a contract with the real reader, validator and profile; returns both documents. */
export async function validateText(
  csv: string,
  contract: DataContract,
  failOn: 'error' | 'warning' = 'error',
): Promise<{ report: ValidationReport; profile: Profile }> {
  const folder = dataFolder({ 'd.csv': csv });
  const files = await resolveDataFiles(['d.csv'], folder, 'auto', 'data');
  const builder = new ProfileBuilder({ createdAt: '2026-01-01T00:00:00Z', sampleSize: 1000 });
  const validator = new DatasetValidator(contract);
  await scanDataset({ files, contract, profile: builder, validator, createdAt: '2026-01-01T00:00:00Z' });
  const profile = builder.finish();
  return { report: validator.finish(profile, { failOn, createdAt: '2026-01-01T00:00:00Z' }), profile };
}

export { decodingOf };
