import type { ProfileState } from '../../core/profile/profile-builder.js';

/**
 * The buffers behind a profile state's arrays, each once, to pass to postMessage so that a thread's state moves to
 * another thread without a copy (see ProfileBuilder.state). The state is spent on the sending side.
 */
export function transferables(state: ProfileState): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (array: ArrayBufferView) => {
    // Empty arrays may share one buffer across builders: only buffers with bytes are moved.
    if (array.buffer.byteLength > 0 && array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
  };
  add(state.priorities);
  for (const column of state.columns) {
    [column.counts, column.sampleNumbers, column.sampleIds, column.sampleStatus].forEach(add);
    for (const chunk of column.everyRow?.chunks ?? []) add(chunk.values);
  }
  return [...buffers];
}
