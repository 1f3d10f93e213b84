import { describe, expect, it } from 'vitest';
import { shieldCommands } from '../../../../src/actions/runtime/command-shield.js';

describe('shieldCommands', () => {
  it.each([['plain text'], ['a: b'], ['time 12:30'], ['x\ny']])(
    'leaves text that cannot hold a command as it is: %j',
    (text) => {
      expect(shieldCommands(text, () => 'T')).toBe(text);
    },
  );

  it.each([
    ['col\n::add-mask::passed', '::stop-commands::T\ncol\n::add-mask::passed\n::T::'],
    ['  ::warning::x\n', '::stop-commands::T\n  ::warning::x\n::T::\n'],
    ['a ##[error]b', '::stop-commands::T\na ##[error]b\n::T::'],
  ])('pauses commands around %j', (text, shielded) => {
    expect(shieldCommands(text, () => 'T')).toBe(shielded);
  });

  it('uses a new random token each time, so data cannot name it in advance', () => {
    const first = /^::stop-commands::(.+)$/m.exec(shieldCommands('::x'))![1];
    const second = /^::stop-commands::(.+)$/m.exec(shieldCommands('::x'))![1];
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).not.toBe(second);
  });
});
