import { describe, expect, it } from 'vitest';
import {
  PredictionStream,
  readPredictions,
  streamedPredictions,
  type OutputKind,
  type RawOutput,
} from '../../../../src/core/evaluate/model-output.js';

/**
 * Feeds `data` (width numbers a row) to a stream in batches of the given row counts, as a scorer does: every output so
 * far each time.
 */
function stream(data: number[], width: number, sizes: number[], asked: OutputKind = 'auto', integer = false) {
  const s = new PredictionStream(asked);
  let rows = 0;
  for (const size of sizes) {
    rows += size;
    s.update({ data: (integer ? Int32Array : Float32Array).from(data.slice(0, rows * width)), width, integer });
  }
  return s.result();
}

const raw = (data: number[], width: number): RawOutput => ({ data: Float32Array.from(data), width, integer: false });

describe('PredictionStream', () => {
  const distributions = [0.2, 0.5, 0.3, 0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.25, 0.25, 0.5];

  it('reads rows that are distributions as probabilities, the same as readPredictions on the whole output', () => {
    const streamed = stream(distributions, 3, [1, 2, 1]);
    const whole = readPredictions(raw(distributions, 3), 'classification', 3, 'auto', String);
    expect(streamed).toBeDefined();
    expect(streamedPredictions(streamed, 'classification', 3)).toEqual(whole);
    expect(streamed!.probabilities.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('reads every row again as logits once a later batch holds a row that is not a distribution', () => {
    const data = [...distributions, 2.5, -1, 0.5];
    const streamed = streamedPredictions(stream(data, 3, [2, 2, 1]), 'classification', 3);
    const whole = readPredictions(raw(data, 3), 'classification', 3, 'auto', String);
    expect(whole.kind).toBe('logits');
    expect(streamed).toEqual(whole);
  });

  it('reads one column as the probability of class 1, or its logit, as readPredictions does', () => {
    for (const data of [
      [0.1, 0.9, 0.4],
      [0.1, 3, -2],
    ]) {
      expect(streamedPredictions(stream(data, 1, [2, 1]), 'classification', 2)).toEqual(
        readPredictions(raw(data, 1), 'classification', 2, 'auto', String),
      );
    }
  });

  it('follows the kind the user named', () => {
    expect(streamedPredictions(stream(distributions, 3, [4], 'logits'), 'classification', 3)).toEqual(
      readPredictions(raw(distributions, 3), 'classification', 3, 'logits', String),
    );
  });

  it('gives up where readPredictions must decide or report: labels, integer outputs, values that are not finite', () => {
    expect(stream(distributions, 3, [4], 'labels')).toBeUndefined();
    expect(stream([0, 2, 1], 1, [3], 'auto', true)).toBeUndefined();
    expect(stream([0.2, 0.8, Number.NaN, 0.5], 2, [1, 1])).toBeUndefined();
  });

  it('is used only for a classification task with one class per output column', () => {
    const streamed = stream(distributions, 3, [4]);
    expect(streamedPredictions(streamed, 'regression', 0)).toBeUndefined();
    expect(streamedPredictions(streamed, 'classification', 4)).toBeUndefined();
    expect(streamedPredictions(undefined, 'classification', 3)).toBeUndefined();
  });
});
