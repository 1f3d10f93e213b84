import { DataError } from '../errors.js';

/** The label column as the reader gives it: numbers where cells parse, and each cell's text id. */
export interface LabelSource {
  name: string;
  numbers: Float64Array;
  ids: Int32Array;
  dictionary: readonly string[];
}

/**
 * The class of every row as an index into the model's outputs. The classes come, in order of preference, from the
 * user, from the model's metadata, from the labels themselves when they are the integers 0..k−1 of a k-output
 * model, or else the distinct labels sorted (numerically when they are numbers), as scikit-learn orders classes_.
 * A label that is not one of the classes is refused with its row.
 */
export function resolveClasses(
  label: LabelSource,
  declared: readonly string[] | undefined,
  outputs: number | undefined,
  locate: (row: number) => string,
): { classes: string[]; truth: Int32Array } {
  const rows = label.ids.length;
  let classes: string[];
  if (declared) {
    classes = [...declared];
  } else {
    const present = new Set<number>(label.ids);
    const texts = [...present].map((id) => label.dictionary[id]!);
    const numbers = texts.map(Number);
    const allNumeric = numbers.every((n) => Number.isFinite(n));
    if (
      allNumeric &&
      outputs !== undefined &&
      outputs > 1 &&
      numbers.every((n) => Number.isInteger(n) && n >= 0 && n < outputs)
    ) {
      classes = Array.from({ length: outputs }, (_, i) => String(i));
      // Labels written as 1.0 name the class 1.
      return { classes, truth: Int32Array.from(label.ids, (id) => Number(label.dictionary[id])) };
    }
    classes = allNumeric ? texts.sort((a, b) => Number(a) - Number(b)) : texts.sort();
    if (
      classes.length === 1 &&
      outputs !== undefined &&
      outputs <= 2 &&
      allNumeric &&
      (classes[0] === '0' || classes[0] === '1')
    )
      classes = ['0', '1'];
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const byId = label.dictionary.map(
    (text) => index.get(text) ?? (Number.isFinite(Number(text)) ? index.get(String(Number(text))) : undefined) ?? -1,
  );
  const truth = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = byId[label.ids[r]!]!;
    if (c < 0)
      throw new DataError(
        `${locate(r)}: the label ${label.name} is "${label.dictionary[label.ids[r]!]}", which is not one of the model's classes (${classes.slice(0, 12).join(', ')}); set classes to the model's classes in output order`,
      );
    truth[r] = c;
  }
  return { classes, truth };
}
