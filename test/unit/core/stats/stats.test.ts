import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../../../../src/core/stats/benjamini-hochberg.js';
import { chiSquareContingency } from '../../../../src/core/stats/chi-square-contingency.js';
import { chiSquareSf } from '../../../../src/core/stats/chi-square-sf.js';
import { jensenShannonDistance } from '../../../../src/core/stats/jensen-shannon.js';
import { ks2samp } from '../../../../src/core/stats/ks-2samp.js';
import { kolmogorovSf } from '../../../../src/core/stats/kolmogorov.js';
import { mcnemarTest } from '../../../../src/core/stats/mcnemar.js';
import { normalSf } from '../../../../src/core/stats/normal-sf.js';
import { twoProportionZTest } from '../../../../src/core/stats/two-proportion-z-test.js';
import { populationStabilityIndex } from '../../../../src/core/stats/psi.js';
import { upperRegularizedGamma } from '../../../../src/core/stats/regularized-gamma.js';
import { normedWasserstein, wasserstein1 } from '../../../../src/core/stats/wasserstein.js';
import { ROOT } from '../../../support/run-action.js';

/** Values computed by scipy: test/fixtures/stats/make_fixtures.py writes them (with its inputs). */
interface Fixtures {
  mcnemar: { b: number; c: number; p: number }[];
  kstwo: { n: number; x: number; sf: number }[];
  ks_asymp: { a: number[]; b: number[]; statistic: number; p: number }[];
  ks: { a: number[]; b: number[]; statistic: number; p: number }[];
  gamma: { a: number; x: number; q: number }[];
  chi2_sf: { x: number; k: number; sf: number }[];
  norm_sf: { z: number; sf: number }[];
  contingency: {
    reference: number[];
    current: number[];
    statistic: number;
    p: number;
    dof: number;
    cramers_v: number;
  }[];
  ztest: { x1: number; n1: number; x2: number; n2: number; z: number; p: number }[];
  psi: { reference: number[]; current: number[]; psi: number }[];
  wasserstein: { u: number[]; v: number[]; distance: number; normed: number }[];
  jensenshannon: { p: number[]; q: number[]; distance: number }[];
  bh: { p: number[]; adjusted: number[] }[];
}
const fixtures = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'stats', 'fixtures.json'), 'utf8')) as Fixtures;

/** Agreement to 1e-9 relative wherever scipy's value is above 1e-300 (and exact zero below). */
function agrees(actual: number, expected: number) {
  if (Math.abs(expected) <= 1e-300) return expect(Math.abs(actual)).toBeLessThanOrEqual(1e-300);
  expect(Math.abs(actual - expected) / Math.abs(expected), `${actual} vs scipy ${expected}`).toBeLessThanOrEqual(1e-9);
}

describe('statistics against scipy', () => {
  it.each(fixtures.mcnemar)('McNemar with $b and $c discordant pairs', ({ b, c, p }) =>
    agrees(mcnemarTest(b, c).pValue, p),
  );
  it.each(fixtures.kstwo)('Kolmogorov distribution sf(n=$n, x=$x)', ({ n, x, sf }) => agrees(kolmogorovSf(n, x), sf));
  it.each(fixtures.ks_asymp.map((f) => ({ ...f, sizes: `${f.a.length} and ${f.b.length} values` })))(
    'two-sample KS (asymptotic), $sizes',
    ({ a, b, statistic, p }) => {
      const result = ks2samp(Float64Array.from(a), Float64Array.from(b));
      expect(result.method).toBe('asymptotic');
      agrees(result.statistic, statistic);
      agrees(result.pValue, p);
    },
  );
  it.each(fixtures.ks.map((f) => ({ ...f, sizes: `${f.a.length} and ${f.b.length} values` })))(
    'two-sample KS (exact), $sizes',
    ({ a, b, statistic, p }) => {
      const result = ks2samp(Float64Array.from(a), Float64Array.from(b));
      agrees(result.statistic, statistic);
      agrees(result.pValue, p);
    },
  );

  it.each(fixtures.gamma)('regularized upper gamma Q($a, $x)', ({ a, x, q }) => agrees(upperRegularizedGamma(a, x), q));
  it.each(fixtures.chi2_sf)('chi-square sf($x, $k)', ({ x, k, sf }) => agrees(chiSquareSf(x, k), sf));
  it.each(fixtures.norm_sf)('normal sf($z)', ({ z, sf }) => agrees(normalSf(z), sf));
  it.each(fixtures.contingency)(
    'chi-square contingency $reference vs $current',
    ({ reference, current, statistic, p, dof, cramers_v }) => {
      const result = chiSquareContingency(reference, current);
      expect(result.dof).toBe(dof);
      agrees(result.statistic, statistic);
      agrees(result.pValue, p);
      agrees(result.cramersV, cramers_v);
    },
  );
  it.each(fixtures.ztest)('two-proportion z-test $x1/$n1 vs $x2/$n2', ({ x1, n1, x2, n2, z, p }) => {
    const result = twoProportionZTest(x1, n1, x2, n2);
    agrees(result.statistic, z);
    agrees(result.pValue, p);
  });
  it.each(fixtures.psi.map((f, i) => ({ ...f, name: `case ${i + 1} (${f.reference.length} reference values)` })))(
    'PSI, $name',
    ({ reference, current, psi }) => {
      agrees(populationStabilityIndex(Float64Array.from(reference), Float64Array.from(current)).psi, psi);
    },
  );
  it.each(fixtures.wasserstein.map((f, i) => ({ ...f, name: `case ${i + 1}` })))(
    'Wasserstein-1, $name',
    ({ u, v, distance, normed }) => {
      agrees(wasserstein1(Float64Array.from(u), Float64Array.from(v)), distance);
      agrees(normedWasserstein(Float64Array.from(u), Float64Array.from(v)), normed);
    },
  );
  it.each(fixtures.jensenshannon)('Jensen-Shannon distance $p vs $q', ({ p, q, distance }) => {
    if (distance === 0) expect(jensenShannonDistance(p, q)).toBe(0);
    else agrees(jensenShannonDistance(p, q), distance);
  });
  it.each(fixtures.bh)('Benjamini-Hochberg $p', ({ p, adjusted }) => {
    benjaminiHochberg(p).forEach((value, i) => agrees(value, adjusted[i]!));
  });
});
