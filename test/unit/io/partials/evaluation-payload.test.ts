import { describe, expect, it } from 'vitest';
import type { EvaluationState } from '../../../../src/core/evaluate/evaluation-state.js';
import { BOOTSTRAP_BUCKETS } from '../../../../src/core/evaluate/poisson-bootstrap.js';
import {
  decodeEvaluation,
  decodeEvaluationState,
  encodeEvaluation,
  encodeEvaluationState,
  type EvaluationShardState,
} from '../../../../src/io/partials/evaluation-payload.js';

/** A state of two buckets of stride 2 (the bucket count is a parameter of the decoder). */
function state(sums: number[]): EvaluationState {
  return {
    rows: 3,
    sums: {
      task: 'classification',
      k: 2,
      models: 1,
      stride: 2,
      probabilities: true,
      shift: 0,
      sums: Float64Array.from(sums),
    },
    ranking: [[{ keys: [1, 4], positives: [1, 0], negatives: [0, 2] }]],
    calibration: [{ count: [3], confidence: [0.6], correct: [2] }],
    disagreements: null,
  };
}

const MODEL = { path: 'm.onnx', source: 'm.onnx', sha256: 'ab', bytes: 10, batch_ms: [0.5], batch_rows: [3] };

describe('evaluation payload', () => {
  it('carries the bucket sums as base64 of their float64 bytes, the rest as it is', () => {
    // python3 -c "import struct,base64; print(base64.b64encode(struct.pack('<4d', 1, 0.5, -2, 3)).decode())"
    const encoded = encodeEvaluationState(state([1, 0.5, -2, 3]));
    expect(encoded.sums).toEqual({
      task: 'classification',
      k: 2,
      models: 1,
      stride: 2,
      probabilities: true,
      shift: 0,
      values: 'AAAAAAAA8D8AAAAAAADgPwAAAAAAAADAAAAAAAAACEA=',
    });
    expect(Object.keys(encoded)).toEqual(['rows', 'sums', 'ranking', 'calibration', 'disagreements']);
    expect(decodeEvaluationState(encoded, 'p.json', 2)).toEqual(state([1, 0.5, -2, 3]));
  });

  it('refuses sums that do not fill the buckets, naming the file', () => {
    expect(() => decodeEvaluationState(encodeEvaluationState(state([1, 2, 3, 4])), 'p.json', 3)).toThrow(
      'p.json: the bootstrap sums hold 4 numbers, not 3 buckets × 2; the partial report is damaged or from another mlgate version',
    );
  });

  it("a shard's evaluation and its slices' states go through a partial report unchanged", () => {
    const main = state(Array.from({ length: 2 * BOOTSTRAP_BUCKETS }, (_, i) => i / 7));
    const evaluation: EvaluationShardState = {
      task: 'classification',
      label: 'y',
      classes: ['a', 'b'],
      candidate: MODEL,
      baseline: null,
      state: main,
      slices: [{ column: 'region', values: [{ text: 'north', number: null, rows: 3, state: state([1, 2]) }] }],
    };
    const text = JSON.stringify(encodeEvaluation(evaluation));
    const decoded = decodeEvaluation(JSON.parse(text), 'p.json');
    // The main state has one bucket per bootstrap bucket; each slice value's one.
    expect(decoded.state.sums.sums.length).toBe(main.sums.sums.length);
    expect(decoded).toEqual(evaluation);
  });
});
