/** One leg of a job: its matrix values (empty for a job without a matrix). */
export type MatrixLeg = Record<string, unknown>;

/**
 * Expands `strategy.matrix` the way GitHub does: the cartesian product of the vectors, minus each `exclude` entry
 * that matches a combination, then each `include` entry either extends the combinations it matches (without
 * overwriting their original values) or, matching none, becomes a combination of its own.
 */
export function expandMatrix(matrix: unknown): MatrixLeg[] {
  if (matrix === undefined || matrix === null) return [{}];
  if (typeof matrix !== 'object' || Array.isArray(matrix))
    throw new Error(`strategy.matrix must be a mapping, got ${JSON.stringify(matrix)}`);
  const { include = [], exclude = [], ...vectors } = matrix as Record<string, unknown>;
  let legs: MatrixLeg[] = [{}];
  for (const [key, values] of Object.entries(vectors)) {
    if (!Array.isArray(values)) throw new Error(`strategy.matrix.${key} must be a list`);
    legs = legs.flatMap((leg) => values.map((value) => ({ ...leg, [key]: value })));
  }
  if (Object.keys(vectors).length === 0) legs = [];
  legs = legs.filter(
    (leg) => !(exclude as MatrixLeg[]).some((entry) => Object.entries(entry).every(([k, v]) => deepEqual(leg[k], v))),
  );
  const originals = legs.map((leg) => ({ ...leg }));
  for (const entry of include as MatrixLeg[]) {
    let matched = false;
    legs.forEach((leg, i) => {
      const original = originals[i]!;
      // An include entry applies to a leg when none of its values would overwrite one of the leg's original values.
      if (Object.entries(entry).every(([k, v]) => !(k in original) || deepEqual(original[k], v))) {
        matched = true;
        Object.assign(leg, entry);
      }
    });
    if (!matched) {
      legs.push({ ...entry });
      originals.push({ ...entry });
    }
  }
  return legs.length > 0 ? legs : [{}];
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
