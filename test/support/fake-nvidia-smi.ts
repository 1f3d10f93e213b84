import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ROOT } from './run-action.js';

/** The recorded runners in test/fixtures/nvidia-smi/. */
export type GpuProfile = 'h100' | 'a10g-x2' | 'no-driver' | 'mismatch';

/**
 * A folder holding a fake `nvidia-smi` that replays a recorded runner's answers (the query, the banner, a sample,
 * or a failure with its exit code), and the PATH that puts it first.
 */
export function fakeNvidiaSmi(profile: GpuProfile): { PATH: string } {
  const bin = mkdtempSync(join(tmpdir(), 'mlgate-fake-gpu-'));
  const folder = join(ROOT, 'test', 'fixtures', 'nvidia-smi', profile);
  const script = `#!/bin/sh
dir='${folder}'
if [ -f "$dir/exit" ]; then cat "$dir/stdout"; exit "$(cat "$dir/exit")"; fi
case "$1" in
  --query-gpu=name*) cat "$dir/query.txt" ;;
  --query-gpu=utilization*) cat "$dir/sample.txt" ;;
  *) cat "$dir/banner.txt" ;;
esac
`;
  writeFileSync(join(bin, 'nvidia-smi'), script);
  chmodSync(join(bin, 'nvidia-smi'), 0o755);
  return { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
}
