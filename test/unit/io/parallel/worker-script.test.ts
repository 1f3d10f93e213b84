import { describe, expect, it } from 'vitest';
import { ConfigurationError, DataError } from '../../../../src/core/errors.js';
import { fromWorkerError, toWorkerError, workerScript } from '../../../../src/io/parallel/worker-script.js';

describe('workerScript', () => {
  it('finds no worker beside the sources, so that code run from src/ does the work on the calling thread', () => {
    expect(workerScript('scan-worker')).toBeUndefined();
    expect(workerScript('rank-worker')).toBeUndefined();
  });
});

describe('errors across the thread boundary', () => {
  it.each([
    ['a DataError, with its file and line', new DataError('a broken row', { file: 'data.csv', line: 12 }), DataError],
    [
      'a ConfigurationError, with its file',
      new ConfigurationError('a bad setting', { file: 'contract.yml' }),
      ConfigurationError,
    ],
    ['any other error, as a plain Error', new TypeError('a bug'), Error],
  ])('%s keeps its kind and message', (_, error, kind) => {
    // Posted between threads as plain data (structured clone), then made an error again.
    const again = fromWorkerError(structuredClone(toWorkerError(error)));
    expect(again).toBeInstanceOf(kind);
    expect(again.constructor).toBe(kind);
    expect(again.message).toBe(error.message);
    expect((again as { location?: unknown }).location).toEqual((error as { location?: unknown }).location);
  });

  it('turns a thrown value that is not an error into a message', () => {
    expect(toWorkerError('a string')).toEqual({ name: 'Error', message: 'a string', location: undefined });
  });
});
